// Cold start of each bundle (exit on a missing or invalid input) against `node -e 0`, the floor.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { ROOT } from '../test/harness/paths.js'
import { actionNames } from '../scripts/lib/actions.mjs'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function time(args: string[], env: NodeJS.ProcessEnv, runs = 15): number {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' })
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(samples)
}

const floor = time(['-e', '0'], {})
console.log(`node -e 0: ${floor.toFixed(1)} ms (median of 15)`)
for (const action of actionNames()) {
  const ms = time([path.join(ROOT, 'dist', action, 'index.js')], {
    INPUT_MODE: 'bogus',
    'INPUT_MISSING-DATA': 'bogus',
    INPUT_EVENT: 'bogus'
  })
  console.log(
    `${action.padEnd(17)} ${ms.toFixed(1).padStart(7)} ms  ratio to node -e 0: ${(ms / floor).toFixed(2)}, +${(ms - floor).toFixed(1)} ms${action === 'lineage-check' ? ' (goal <= +50 ms)' : ''}`
  )
}
