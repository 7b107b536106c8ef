import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { GateRun } from '../../src/gate/gate.js'
import { failuresJson, reportJson } from '../../src/gate/summary.js'

/** Names are exactly validate-metrics/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs([
  'passed',
  'failures',
  'metrics',
  'champion-version',
  'report'
])

export function gateOutputs(run: GateRun): OutputValues<typeof outputs> {
  return {
    passed: String(run.result.passed),
    failures: failuresJson(run.result),
    metrics: JSON.stringify(run.result.evaluated),
    'champion-version': run.championVersion ?? '',
    report: reportJson(run.result)
  }
}
