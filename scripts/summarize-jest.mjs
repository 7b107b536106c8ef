// Prints the plain closing line CI reads ("N passed, N failed[, N skipped]") from jest's JSON
// results, and exits non-zero on any failure, on a run that ran no test, or on missing results.
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'test-output/jest-results.json'
if (!existsSync(file)) {
  console.log('0 passed, 1 failed')
  console.error(`no jest results at ${file}: the test command did not get as far as running jest`)
  process.exit(1)
}
const results = JSON.parse(readFileSync(file, 'utf8'))
const passed = results.numPassedTests ?? 0
// A suite that failed to run (syntax error, failed import) counts as one failure.
const failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0)
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
if (failed > 0 || passed === 0 || results.success === false) process.exit(1)
