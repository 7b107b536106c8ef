// `npm run bench`: runs every bench/*.bench.ts in its own process, one after another, so one
// benchmark's load never overlaps another's. Each benchmark measures its own reference in the
// same run and prints ratios against it; results are also written to test-output/bench/.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(here)
  .filter(f => f.endsWith('.bench.ts'))
  .filter(f => only.length === 0 || only.some(o => f.includes(o)))
  .sort()
mkdirSync(path.join(here, '..', 'test-output', 'bench'), { recursive: true })
if (files.length === 0) console.log('no benchmarks found in bench/')
let failed = 0
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const tsx = path.join(here, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const result = spawnSync(process.execPath, [tsx, path.join(here, file)], { stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    console.log(`${file} failed (exit ${result.status ?? result.signal})`)
  }
}
process.exit(failed === 0 ? 0 : 1)
