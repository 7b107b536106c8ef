// audit-log verify with the history check: 100,000 entries, each added by its own commit, against
// verify without history in the same run, and the 10k → 100k ratio (it must stay linear).
//
// A real history of n one-line commits holds n versions of a growing file: git hashes each
// version whole, so building one costs Σ sizes = O(n²) bytes (measured here: a 1k real
// history; 100k entries of ~700 bytes would be ~3.5 TB to hash). The check never reads those
// versions for the suite's commits: it reads `git log --raw` (tree entries, blob ids) and each
// commit's Audit-Line trailer, then the file at the tip. So the large histories are built with the
// same commits, authors, messages and tip file, but each intermediate version holds only the line
// its commit added; the real and these "thin" histories are measured side by side at 1k to show
// the check does the same work on both.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { formatLine, GENESIS_PREV, sha256Hex } from '../src/audit/format.js'
import { SUITE_IDENTITIES } from '../src/audit/identities.js'
import { withLineTrailer } from '../src/audit/line-trailer.js'
import { readTrail } from '../src/audit/trail.js'
import { OUTPUT } from '../test/harness/paths.js'
import { sampleFields } from '../test/harness/audit-sample.js'

const dir = path.join(OUTPUT, 'bench', 'audit-history')
mkdirSync(dir, { recursive: true })
const bot = SUITE_IDENTITIES[0]!

function git(cwd: string, args: string[]): Promise<void> {
  const child = spawn('git', args, { cwd, stdio: 'ignore' })
  return once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`git ${args.join(' ')} exited ${String(code)}`)
  })
}

/** One repository, one commit per entry (as the suite writes them), built with git fast-import. */
async function build(count: number, thin: boolean): Promise<{ repo: string; buildMs: number }> {
  const repo = path.join(dir, `${thin ? 'thin' : 'real'}-${count}`)
  rmSync(repo, { recursive: true, force: true })
  mkdirSync(repo, { recursive: true })
  await git(repo, ['init', '--quiet', '-b', 'main'])
  const start = Date.now()
  const importer = spawn('git', ['fast-import', '--quiet'], {
    cwd: repo,
    stdio: ['pipe', 'ignore', 'inherit']
  })
  const write = async (data: string | Buffer): Promise<void> => {
    if (!importer.stdin.write(data)) await once(importer.stdin, 'drain')
  }
  const lines: Buffer[] = []
  let size = 0
  let prev = GENESIS_PREV
  for (let i = 0; i < count; i++) {
    const line = formatLine(sampleFields(i), i + 1, prev)
    prev = sha256Hex(line)
    const bytes = Buffer.from(`${line}\n`)
    lines.push(bytes)
    size += bytes.length
    const message = withLineTrailer(`Audit: promote churn v${i + 1}`, i + 1, prev)
    const stamp = `${1_760_000_000 + i} +0000`
    await write(
      `commit refs/heads/main\nauthor ${bot.name} <${bot.email}> ${stamp}\ncommitter ${bot.name} <${bot.email}> ${stamp}\n` +
        `data ${Buffer.byteLength(message)}\n${message}\nM 100644 inline AUDIT.log\n`
    )
    if (thin && i < count - 1) {
      await write(`data ${bytes.length}\n`)
      await write(bytes)
    } else {
      await write(`data ${size}\n`)
      for (const piece of lines) await write(piece)
    }
    await write('\n')
  }
  importer.stdin.end()
  await once(importer, 'exit')
  await git(repo, ['checkout', '--quiet', '-f', 'main'])
  return { repo, buildMs: Date.now() - start }
}

/** The fastest of `times` runs: on a shared machine, the least disturbed one. */
async function fastest(run: () => Promise<void>, times = 5): Promise<number> {
  const ms: number[] = []
  for (let r = 0; r < times; r++) {
    const start = process.hrtime.bigint()
    await run()
    ms.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return Math.min(...ms)
}

async function measure(repo: string, count: number): Promise<{ with: number; without: number }> {
  const file = path.join(repo, 'AUDIT.log')
  const check = async (history: boolean): Promise<void> => {
    const { report } = await readTrail(file, { history, requireHistory: true })
    if (!report.valid || report.chain.entries !== count)
      throw new Error(
        `verify did not accept the ${count}-entry history: ${JSON.stringify(report.firstBad)}`
      )
    if (history && 'commits' in report.history && report.history.commits !== count)
      throw new Error(`the history check saw ${report.history.commits} commits, not ${count}`)
  }
  await check(true) // warm-up (JIT, page cache)
  // Interleaved, so a load spike on the shared machine hits both alike.
  const without: number[] = []
  const withHistory: number[] = []
  for (let r = 0; r < 5; r++) {
    without.push(await fastest(() => check(false), 1))
    withHistory.push(await fastest(() => check(true), 1))
  }
  return { without: Math.min(...without), with: Math.min(...withHistory) }
}

console.log('Real histories (every version whole; building them is quadratic):')
const real: Record<number, number> = {}
for (const count of [1_000]) {
  const { repo, buildMs } = await build(count, false)
  const m = await measure(repo, count)
  real[count] = m.with
  console.log(
    `  ${String(count).padStart(7)} entries: built in ${buildMs} ms; verify ${m.without.toFixed(0)} ms without history, ` +
      `${m.with.toFixed(0)} ms with (${(m.with / m.without).toFixed(1)}×)`
  )
}

console.log('Thin histories (same commits and tip; intermediate versions hold only their line):')
const results: Record<number, { with: number; without: number }> = {}
for (const count of [1_000, 10_000, 100_000]) {
  const { repo, buildMs } = await build(count, true)
  const m = (results[count] = await measure(repo, count))
  console.log(
    `  ${String(count).padStart(7)} entries: built in ${buildMs} ms; verify ${m.without.toFixed(0)} ms without history, ` +
      `${m.with.toFixed(0)} ms with (${(m.with / m.without).toFixed(1)}×); ` +
      `${((m.with * 1000) / count).toFixed(1)} µs/entry with history`
  )
}
const r1 = results[1_000]!.with / real[1_000]!
const scale = results[100_000]!.with / results[10_000]!.with
const scaleWithout = results[100_000]!.without / results[10_000]!.without
console.log(
  `\n  thin vs real at 1,000 entries: ${r1.toFixed(2)}× (the same work);` +
    ` 10k → 100k: ${scale.toFixed(1)}× the time with history, ${scaleWithout.toFixed(1)}× without, for 10× the entries (linear: ≈10)` +
    `; at 100k, history costs ${(results[100_000]!.with / results[100_000]!.without).toFixed(1)}× verify without it`
)
