// Cold start of each bundle, the size of dist/ and the time of `npm run bundle`, against their
// references in the same run (issue "One of each"):
//  - a cold start is an action run that fails on an invalid input, so it measures what loading
//    the bundle costs before any work; the floor is `node -e 0`, measured interleaved with the
//    actions so that the machine's load hits both alike. Goal: within +50 ms of the floor;
//  - dist/ in all, goal at most 4 MB;
//  - the bundle's build time, goal under 30 s.
// Wall time is what a user waits; CPU time (user + sys, from /usr/bin/time when the machine has
// it) is steadier on a busy machine, so both are printed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../test/harness/paths.js'
import { actionNames } from '../scripts/lib/actions.mjs'

const RUNS = Number(process.env.MG_BENCH_RUNS ?? 15)
const TIME = '/usr/bin/time'

/** An input each action refuses, so the run ends right after loading and parsing inputs. */
const INVALID: Record<string, Record<string, string>> = {
  'audit-log': { INPUT_MODE: 'bogus' },
  'lineage-check': { 'INPUT_MISSING-DATA': 'bogus' },
  notify: { INPUT_EVENT: 'bogus' },
  'promote-model': { INPUT_ROLLBACK: 'bogus' },
  reconcile: { INPUT_HISTORY: 'bogus' },
  'resolve-stage': { INPUT_ROLLBACK: 'bogus' },
  'validate-metrics': { INPUT_AGGREGATE: 'bogus' }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

interface Sample {
  wall: number
  cpu: number | undefined
}

function once(args: string[], env: NodeJS.ProcessEnv): Sample {
  const cpuFile = path.join(os.tmpdir(), `mg-cold-${process.pid}.txt`)
  const timed = existsSync(TIME)
  const [cmd, argv] = timed
    ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]]
    : [process.execPath, args]
  const start = process.hrtime.bigint()
  const result = spawnSync(cmd, argv, { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' })
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  let cpu: number | undefined
  if (timed) {
    // The last line: GNU time writes 'Command exited with non-zero status 1' before it.
    const last = readFileSync(cpuFile, 'utf8').trim().split('\n').pop() ?? ''
    const [user, sys] = last.trim().split(/\s+/).map(Number)
    cpu = ((user ?? 0) + (sys ?? 0)) * 1000
    rmSync(cpuFile, { force: true })
  }
  if (args[0] !== '-e' && !/::error::Input '/.test(String(result.stdout))) {
    throw new Error(`${args[0]} did not stop on its invalid input: ${String(result.stdout)}`)
  }
  return { wall, cpu }
}

const actions = actionNames()
const floor: Sample[] = []
const samples = new Map<string, Sample[]>(actions.map(a => [a, []]))
for (let i = 0; i < RUNS; i++) {
  for (const action of actions) {
    floor.push(once(['-e', '0'], {}))
    samples
      .get(action)!
      .push(once([path.join(ROOT, 'dist', action, 'index.js')], INVALID[action] ?? {}))
  }
}
const floorWall = median(floor.map(s => s.wall))
const floorCpu = floor[0]?.cpu === undefined ? undefined : median(floor.map(s => s.cpu!))
console.log(
  `node -e 0: ${floorWall.toFixed(1)} ms wall${floorCpu === undefined ? '' : `, ${floorCpu.toFixed(0)} ms CPU`} (median of ${floor.length}, interleaved)`
)
let worst = 0
for (const action of actions) {
  const s = samples.get(action)!
  const wall = median(s.map(x => x.wall))
  const cpu = floorCpu === undefined ? undefined : median(s.map(x => x.cpu!))
  worst = Math.max(worst, wall - floorWall)
  console.log(
    `${action.padEnd(17)} ${wall.toFixed(1).padStart(7)} ms  +${(wall - floorWall).toFixed(1)} ms wall, ratio ${(wall / floorWall).toFixed(2)}` +
      (cpu === undefined || floorCpu === undefined
        ? ''
        : `; +${(cpu - floorCpu).toFixed(0)} ms CPU`)
  )
}
console.log(`worst cold start: +${worst.toFixed(1)} ms over node -e 0 (goal <= +50 ms)`)

function total(dir: string): number {
  let bytes = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += statSync(path.join(entry.parentPath, entry.name)).size
  return bytes
}
const bytes = total(path.join(ROOT, 'dist'))
console.log(`dist/ in all: ${(bytes / 1e6).toFixed(2)} MB (goal <= 4 MB)`)

// The build writes dist/ anew; the result is identical to what is committed (check-dist).
const started = Date.now()
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], {
  cwd: ROOT,
  stdio: 'pipe'
})
const seconds = (Date.now() - started) / 1000
if (build.status !== 0) throw new Error(`npm run bundle failed: ${String(build.stderr)}`)
console.log(
  `npm run bundle: ${seconds.toFixed(1)} s (goal < 30 s; node -e 0 is ${floorWall.toFixed(0)} ms)`
)
