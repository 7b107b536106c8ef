// lineage-check hashing against `dvc status` (cold: a fresh site_cache_dir per run, as on a CI
// runner) and against the physical limit (`md5sum`, one process per core, same bytes).
// Full size per issues 5 and 17: (a) 20,000 files of 1-10 KB in one tracked directory, (b) four
// 512 MiB files. LINEAGE_BENCH_SCALE=0.1 scales both down (printed), for small machines.
// LINEAGE_BENCH_PARTS=a,b,linearity,pip picks parts (default: all); `npm run bench lineage`
// runs only this file. `pip` times the usual CI alternative, `pip install dvc` into a fresh
// virtual environment then `dvc status`; it needs PyPI and says so when it is not reachable.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DVC, OUTPUT, ROOT } from '../test/harness/paths.js'

const SCALE = Number(process.env.LINEAGE_BENCH_SCALE ?? '1')
const RUNS = Number(process.env.LINEAGE_BENCH_RUNS ?? '3')
const CORES = Math.max(1, os.availableParallelism())
const MiB = 1024 * 1024
const PARTS = new Set((process.env.LINEAGE_BENCH_PARTS ?? 'a,b,linearity,pip').split(','))
const DVC_PIN = /^dvc==(.+)$/m.exec(
  readFileSync(path.join(ROOT, 'test', 'requirements.txt'), 'utf8')
)![1]!

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DVC_NO_ANALYTICS: '1' },
    maxBuffer: 256 * MiB
  })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** A git + DVC project whose single stage depends on the given paths; `dvc commit` writes the lock. */
function project(name: string, write: (dir: string) => { deps: string[] }): string {
  mkdirSync(path.join(OUTPUT, 'bench'), { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'bench', `lineage-${name}-`))
  const { deps } = write(dir)
  sh('git', ['init', '-q'], dir)
  sh(DVC, ['init', '-q'], dir)
  writeFileSync(path.join(dir, '.gitignore'), deps.map(d => `/${d}`).join('\n') + '\n')
  writeFileSync(
    path.join(dir, 'dvc.yaml'),
    `stages:\n  use:\n    cmd: 'true'\n    deps:\n${deps.map(d => `    - ${d}`).join('\n')}\n`
  )
  // `dvc commit` writes the lock with DVC's own hashes (deps are not copied into the cache).
  sh(DVC, ['commit', '-q', '-f'], dir)
  sh('git', ['add', '-A'], dir)
  sh('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '-m', 'bench'], dir)
  return dir
}

/** Wall time and peak RSS (KiB) of a command, via GNU time. */
function timed(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): { ms: number; rssKiB: number; out: string } {
  const start = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DVC_NO_ANALYTICS: '1', ...env },
    maxBuffer: 64 * MiB
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const lines = r.stderr.trim().split('\n')
  return { ms, rssKiB: Number(lines[lines.length - 1]), out: r.stdout }
}

function dvcStatusCold(dir: string): number {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'dvc-site-cache-'))
  sh(DVC, ['config', '--local', 'core.site_cache_dir', cache], dir)
  const t = timed(DVC, ['status', '--json'], dir)
  if (t.out.trim() !== '{}') throw new Error(`dvc status is not clean: ${t.out}`)
  rmSync(cache, { recursive: true, force: true })
  return t.ms
}

function ours(dir: string): { ms: number; rssKiB: number } {
  const workspace = path.join(OUTPUT, 'bench', 'lineage-ws')
  mkdirSync(workspace, { recursive: true })
  const outFile = path.join(workspace, 'out')
  writeFileSync(outFile, '')
  const t = timed(process.execPath, [path.join(ROOT, 'dist', 'lineage-check', 'index.js')], dir, {
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: outFile,
    'INPUT_REQUIRE-CLEAN-GIT': 'false'
  })
  if (!/verified<<[^\n]*\ntrue/.test(sh('cat', [outFile], dir)))
    throw new Error(`lineage-check did not verify ${dir}: ${t.out.slice(-2000)}`)
  return t
}

function md5sumParallel(files: string[]): Promise<number> {
  const groups: string[][] = Array.from({ length: CORES }, () => [])
  files.forEach((f, i) => groups[i % CORES]!.push(f))
  const start = process.hrtime.bigint()
  return Promise.all(
    groups
      .filter(g => g.length > 0)
      .map(
        g =>
          new Promise<void>((resolve, reject) => {
            const child = spawn('md5sum', g, { stdio: 'ignore' })
            child.on('close', code => (code === 0 ? resolve() : reject(new Error('md5sum failed'))))
          })
      )
  ).then(() => Number(process.hrtime.bigint() - start) / 1e6)
}

function manyFiles(count: number) {
  return (dir: string) => {
    for (let i = 0; i < count; i++) {
      const sub = path.join(dir, 'files', `d${i % 100}`)
      if (i < 100) mkdirSync(sub, { recursive: true })
      writeFileSync(
        path.join(sub, `f${i}.txt`),
        randomBytes(1024 + ((i * 7919) % 9216))
          .toString('hex')
          .slice(0, 1024 + ((i * 7919) % 9216))
      )
    }
    return { deps: ['files'] }
  }
}

function bigFiles(count: number, bytes: number) {
  return (dir: string) => {
    const chunk = randomBytes(MiB)
    for (let i = 0; i < count; i++) {
      const file = path.join(dir, `big${i}.bin`)
      writeFileSync(file, '')
      for (let w = 0; w < bytes / MiB; w++) writeFileSync(file, chunk, { flag: 'a' })
    }
    return { deps: Array.from({ length: count }, (_, i) => `big${i}.bin`) }
  }
}

function compare(label: string, dir: string): { ours: number; dvc: number; rss: number } {
  const o: number[] = []
  const d: number[] = []
  let rss = 0
  for (let i = 0; i < RUNS; i++) {
    const r = ours(dir)
    o.push(r.ms)
    rss = Math.max(rss, r.rssKiB)
    d.push(dvcStatusCold(dir))
  }
  const result = { ours: median(o), dvc: median(d), rss }
  console.log(
    `${label}: lineage-check ${result.ours.toFixed(0)} ms, dvc status (cold) ${result.dvc.toFixed(0)} ms, speed-up ${(result.dvc / result.ours).toFixed(2)}x, lineage-check peak RSS ${(rss / 1024).toFixed(0)} MiB`
  )
  return result
}

console.log(
  `cores: ${CORES}, scale: ${SCALE}, runs per point: ${RUNS} (medians), load average ${os.loadavg()[0]!.toFixed(1)}`
)

// (a) many small files, against the physical limit (md5sum, one process per core, same bytes)
// and the floor: a bare Node script that only walks and md5s the same tree with the same
// threads (bench/reference/bare-hash.mjs), as issue 5 measured it (a Hash object and a 1 MiB
// read loop per file) and with one-shot crypto.hash per small file (what lineage-check does).
function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...listFiles(p))
    else out.push(p)
  }
  return out
}

function floor(dir: string, count: number, oneShot: boolean): number {
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = timed(
      process.execPath,
      [
        path.join(ROOT, 'bench', 'reference', 'bare-hash.mjs'),
        'files',
        ...(oneShot ? ['--one-shot'] : [])
      ],
      dir
    )
    if (Number(t.out.trim()) !== count) throw new Error(`bare-hash saw ${t.out.trim()} files`)
    samples.push(t.ms)
  }
  return median(samples)
}

const fileCount = Math.round(20_000 * SCALE)
let aDir: string | undefined
let ra: { ours: number; dvc: number; rss: number } | undefined
if (PARTS.has('a') || PARTS.has('pip')) aDir = project('many', manyFiles(fileCount))
if (PARTS.has('a')) {
  const a = aDir!
  ra = compare(`(a) ${fileCount} files of 1-10 KB`, a)
  const files = listFiles(path.join(a, 'files'))
  const md5sum: number[] = []
  for (let i = 0; i < RUNS; i++) md5sum.push(await md5sumParallel(files))
  const limitA = median(md5sum)
  const floorOld = floor(a, fileCount, false)
  const floorNew = floor(a, fileCount, true)
  console.log(
    `(a) md5sum x ${CORES} processes: ${limitA.toFixed(0)} ms; lineage-check ${ra.ours.toFixed(0)} ms = ${(ra.ours / limitA).toFixed(2)} x md5sum (goal <= 1.5)`
  )
  console.log(
    `(a) bare Node walk + md5 (floor): Hash object per file ${floorOld.toFixed(0)} ms (${(floorOld / limitA).toFixed(2)} x md5sum), one-shot crypto.hash ${floorNew.toFixed(0)} ms (${(floorNew / limitA).toFixed(2)} x md5sum); lineage-check / one-shot floor = ${(ra.ours / floorNew).toFixed(2)}; dvc status (cold) ${ra.dvc.toFixed(0)} ms = ${(ra.dvc / limitA).toFixed(2)} x md5sum, speed-up over dvc ${(ra.dvc / ra.ours).toFixed(2)}x`
  )
}

// The usual CI alternative: a fresh virtual environment, `pip install dvc`, then `dvc status`.
// That is what a team pays per promotion without lineage-check; measured once (it downloads).
if (PARTS.has('pip')) {
  const a = aDir!
  const venv = mkdtempSync(path.join(os.tmpdir(), 'bench-dvc-venv-'))
  const python = process.env.PYTHON ?? 'python3'
  const start = process.hrtime.bigint()
  const made = spawnSync(python, ['-m', 'venv', venv], { encoding: 'utf8' })
  const pip =
    made.status === 0
      ? spawnSync(
          path.join(venv, 'bin', 'pip'),
          [
            'install',
            '--quiet',
            '--no-cache-dir',
            '--disable-pip-version-check',
            `dvc==${DVC_PIN}`
          ],
          { encoding: 'utf8', timeout: 600_000 }
        )
      : made
  const installMs = Number(process.hrtime.bigint() - start) / 1e6
  if (pip.status !== 0) {
    console.log(
      `(pip) pip install dvc==${DVC_PIN} into a fresh venv failed (no network to PyPI?), so the CI alternative is not measured: ${(pip.stderr || pip.error?.message || '').trim().split('\n').slice(-1)[0]}`
    )
  } else {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'dvc-site-cache-'))
    sh(DVC, ['config', '--local', 'core.site_cache_dir', cache], a)
    const status = timed(path.join(venv, 'bin', 'dvc'), ['status', '--json'], a)
    rmSync(cache, { recursive: true, force: true })
    const total = installMs + status.ms
    const oursMs = ra?.ours ?? ours(a).ms
    console.log(
      `(pip) fresh venv + pip install dvc==${DVC_PIN} ${(installMs / 1000).toFixed(1)} s, then dvc status ${status.ms.toFixed(0)} ms: ${(total / 1000).toFixed(1)} s per promotion, against lineage-check ${oursMs.toFixed(0)} ms (${(total / oursMs).toFixed(0)}x; saves ${((total - oursMs) / 1000).toFixed(1)} s)`
    )
  }
  rmSync(venv, { recursive: true, force: true })
}
if (aDir) rmSync(aDir, { recursive: true, force: true })

// (b) four large files, against md5sum per core
if (PARTS.has('b')) {
  const bigBytes = Math.max(1, Math.round(512 * SCALE)) * MiB
  const b = project('big', bigFiles(4, bigBytes))
  const rb = compare(`(b) 4 x ${bigBytes / MiB} MiB`, b)
  const limitSamples: number[] = []
  for (let i = 0; i < RUNS; i++)
    limitSamples.push(await md5sumParallel([0, 1, 2, 3].map(n => path.join(b, `big${n}.bin`))))
  const limit = median(limitSamples)
  console.log(
    `(b) md5sum x ${CORES} processes: ${limit.toFixed(0)} ms; lineage-check / limit = ${(rb.ours / limit).toFixed(2)} (goal <= 1.1), dvc / lineage-check = ${(rb.dvc / rb.ours).toFixed(2)} (goal >= 1)`
  )
  rmSync(b, { recursive: true, force: true })
}

// Linearity: our cost at three sizes of bytes and of file counts. The bundle's fixed start-up
// (process, git checks) is in every point, so the marginal cost between points is printed too.
if (PARTS.has('linearity')) {
  const byteTimes: [number, number][] = []
  for (const mult of [1, 2, 4]) {
    const bytes = Math.max(1, Math.round(64 * SCALE * mult)) * MiB
    const dir = project(`lin-bytes-${mult}`, bigFiles(4, bytes))
    const runs = Array.from({ length: RUNS }, () => ours(dir))
    const r = median(runs.map(x => x.ms))
    byteTimes.push([(4 * bytes) / MiB, r])
    console.log(
      `linearity bytes: 4 x ${bytes / MiB} MiB: ${r.toFixed(0)} ms, peak RSS ${(Math.max(...runs.map(x => x.rssKiB)) / 1024).toFixed(0)} MiB`
    )
    rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 1; i < byteTimes.length; i++) {
    const [[m0, t0], [m1, t1]] = [byteTimes[i - 1]!, byteTimes[i]!]
    console.log(`  marginal ${m0} -> ${m1} MiB: ${((t1 - t0) / (m1 - m0)).toFixed(2)} ms/MiB`)
  }
  const fileTimes: [number, number][] = []
  for (const mult of [1, 2, 4]) {
    const count = Math.round(5_000 * SCALE * mult)
    const dir = project(`lin-files-${mult}`, manyFiles(count))
    const r = median(Array.from({ length: RUNS }, () => ours(dir).ms))
    fileTimes.push([count, r])
    console.log(`linearity files: ${count} files: ${r.toFixed(0)} ms`)
    rmSync(dir, { recursive: true, force: true })
  }
  for (let i = 1; i < fileTimes.length; i++) {
    const [[c0, t0], [c1, t1]] = [fileTimes[i - 1]!, fileTimes[i]!]
    console.log(
      `  marginal ${c0} -> ${c1} files: ${(((t1 - t0) / (c1 - c0)) * 1000).toFixed(1)} ms per 1000 files`
    )
  }
}
