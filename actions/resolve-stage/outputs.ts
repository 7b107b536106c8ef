import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { ResolvedStage } from '../../src/promotion/index.js'

/** Names are exactly resolve-stage/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs([
  'stage',
  'environment',
  'from-stage',
  'guarded',
  'default-branch',
  'sign-off',
  'policy-path'
])

export function stageOutputs(
  resolved: ResolvedStage,
  policyPath: string
): OutputValues<typeof outputs> {
  return {
    stage: resolved.stage,
    environment: resolved.environment,
    'from-stage': resolved.fromStage,
    guarded: String(resolved.guarded),
    'default-branch': resolved.defaultBranch,
    'policy-path': policyPath,
    'sign-off': JSON.stringify(resolved.signOff)
  }
}
