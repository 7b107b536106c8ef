import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { ReconcileRun } from '../../src/reconcile/index.js'

/** Names are exactly reconcile/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs(['in-sync', 'findings', 'commit-sha'])

export function reconcileOutputs(run: ReconcileRun): OutputValues<typeof outputs> {
  return {
    'in-sync': run.report.inSync,
    findings: JSON.stringify(run.report.findings),
    ...(run.recorded.length > 0 ? { 'commit-sha': run.recorded.at(-1)!.commitSha } : {})
  }
}
