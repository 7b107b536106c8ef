// audit-log: verify over 100,000 entries (linear? memory flat?) and 20 concurrent appends.
// References measured in the same run: a plain streaming read of the same file (the I/O floor)
// and one uncontended append (the floor for a single writer).
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { formatLine, GENESIS_PREV, sha256Hex } from '../src/audit/format.js'
import { readTrail } from '../src/audit/trail.js'

/** The chain pass of the one trusted reader, no history, no entries kept (flat memory). */
const verifyFile = async (file: string): Promise<{ valid: boolean; entries: number }> =>
  (await readTrail(file, { history: false, entries: false })).report.chain
import { runDist } from '../test/harness/dist-runner.js'
import { OUTPUT } from '../test/harness/paths.js'
import { clone, makeRemote, scratch } from '../test/integration/audit-log/fixtures.js'
import { sampleFields } from '../test/harness/audit-sample.js'

const dir = path.join(OUTPUT, 'bench', 'audit-log')
mkdirSync(dir, { recursive: true })

async function writeLog(file: string, count: number): Promise<void> {
  const out = createWriteStream(file)
  let prev = GENESIS_PREV
  for (let i = 0; i < count; i++) {
    const line = formatLine(
      sampleFields(i, { reason: `bench entry ${i} `.repeat(20) }),
      i + 1,
      prev
    )
    prev = sha256Hex(line)
    if (!out.write(`${line}\n`))
      await new Promise<void>(resolve => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve()))
  )
}

async function plainRead(file: string): Promise<number> {
  const start = process.hrtime.bigint()
  let bytes = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }))
    bytes += (chunk as Buffer).length
  void bytes
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Peak of heap + array buffers while `run` works, sampled every 5 ms, above the level before it. */
async function peakMemory<T>(
  run: () => Promise<T>
): Promise<{ result: T; ms: number; peakMiB: number }> {
  global.gc?.()
  const base = process.memoryUsage()
  let peak = 0
  const sample = (): void => {
    const m = process.memoryUsage()
    peak = Math.max(peak, m.heapUsed - base.heapUsed + (m.arrayBuffers - base.arrayBuffers))
  }
  const timer = setInterval(sample, 5)
  const start = process.hrtime.bigint()
  const result = await run()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  clearInterval(timer)
  sample()
  return { result, ms, peakMiB: peak / 2 ** 20 }
}

console.log('verify (streaming), median of 3 runs each')
const sizes = [25_000, 50_000, 100_000]
let perEntryAt25k = 0
for (const count of sizes) await writeLog(path.join(dir, `audit-${count}.log`), count)
// Warm-up, so the first size measured does not pay for JIT compilation.
await verifyFile(path.join(dir, `audit-${sizes[0]}.log`))
for (const count of sizes) {
  const file = path.join(dir, `audit-${count}.log`)
  const mib = statSync(file).size / 2 ** 20
  const runs: { ms: number; peakMiB: number; valid: boolean }[] = []
  const floors: number[] = []
  for (let r = 0; r < 3; r++) {
    floors.push(await plainRead(file))
    const measured = await peakMemory(() => verifyFile(file))
    runs.push({
      ms: measured.ms,
      peakMiB: measured.peakMiB,
      valid: measured.result.valid && measured.result.entries === count
    })
  }
  if (runs.some(r => !r.valid)) throw new Error(`verify did not accept the ${count}-entry file`)
  const ms = [...runs.map(r => r.ms)].sort((a, b) => a - b)[1]!
  const floor = [...floors].sort((a, b) => a - b)[1]!
  const peak = Math.max(...runs.map(r => r.peakMiB))
  const perEntry = (ms * 1000) / count
  if (count === sizes[0]) perEntryAt25k = perEntry
  console.log(
    `  ${String(count).padStart(7)} entries ${mib.toFixed(1).padStart(6)} MiB: ${ms.toFixed(0).padStart(6)} ms ` +
      `(${perEntry.toFixed(2)} µs/entry, ${(perEntry / perEntryAt25k).toFixed(2)}× the 25k per-entry cost; ` +
      `${(ms / floor).toFixed(1)}× a plain read of ${floor.toFixed(0)} ms); peak extra memory ${peak.toFixed(1)} MiB ` +
      `= ${((peak / mib) * 100).toFixed(1)}% of the file`
  )
}

console.log('\n20-way concurrent append (bundled action, real git, one bare remote)')
const root = scratch('bench-race')
const remote = makeRemote(root)
const single = clone(remote, path.join(root, 'single'))
const inputs = {
  event: 'promote',
  'model-name': 'bench',
  version: '1',
  'max-attempts': '40',
  'backoff-ms': '300'
}
const soloStart = Date.now()
const solo = await runDist('audit-log', inputs, { workspace: single })
const soloMs = Date.now() - soloStart
if (solo.code !== 0) throw new Error(`single append failed: ${solo.stdout.slice(-500)}`)
const workspaces = Array.from({ length: 20 }, (_, i) =>
  clone(remote, path.join(root, `runner-${i}`))
)
const start = Date.now()
const results = await Promise.all(
  workspaces.map((ws, i) =>
    runDist(
      'audit-log',
      { ...inputs, version: String(i) },
      { workspace: ws, env: { GITHUB_RUN_ID: String(i) } }
    )
  )
)
const converged = Date.now() - start
if (results.some(r => r.code !== 0)) throw new Error('a concurrent append failed')
const attempts = results.map(r => Number(r.outputs.attempts)).sort((a, b) => a - b)
console.log(
  `  one append alone: ${soloMs} ms; 20 at once converged in ${converged} ms (${(converged / soloMs).toFixed(1)}× one append, ` +
    `${(converged / soloMs / 20).toFixed(2)}× twenty appends in a row); attempts median ${attempts[10]}, max ${attempts[19]}, total ${attempts.reduce((a, b) => a + b, 0)}`
)
