import { ActionError } from '../core/errors.js'
import type { ModelVersion } from '../mlflow/index.js'
import { stageIndex, type Policy, type StagePolicy } from '../policy/index.js'
import { stageAlias } from './targets.js'

/**
 * Where a version sits in the policy's order: the highest policy stage it holds, by MLflow stage
 * or by stage alias (in `aliases` mode the MLflow stage stays None). -1 means below the first stage
 * (Archived, or None when the policy does not list it).
 */
export function positionOf(policy: Policy, version: ModelVersion): number {
  let position =
    version.current_stage === 'Archived' ? -1 : stageIndex(policy, version.current_stage)
  if (policy.mode !== 'stages') {
    policy.stages.forEach((stage, index) => {
      if (version.aliases.includes(stageAlias(stage))) position = Math.max(position, index)
    })
  }
  return position
}

/**
 * By default a version moves one step up the order, or down to Archived. The policy's
 * allow_skip or the allow-skip input lifts the rule.
 */
export function checkOrder(
  policy: Policy,
  version: ModelVersion,
  target: StagePolicy | undefined,
  targetName: string,
  allowSkipInput: boolean
): void {
  if (targetName === 'Archived' || allowSkipInput || policy.allowSkip) return
  const from = positionOf(policy, version)
  const to = target ? policy.stages.indexOf(target) : stageIndex(policy, targetName)
  if (to === from + 1) return
  const current = from >= 0 ? policy.stages[from]!.name : version.current_stage
  const next = policy.stages[from + 1]?.name
  const order = policy.stages.map(s => s.name).join(' → ')
  const direction =
    to <= from
      ? 'not a step up'
      : `skips ${policy.stages
          .slice(from + 1, to)
          .map(s => s.name)
          .join(', ')}`
  throw new ActionError(
    `Version ${version.version} of '${version.name}' is in ${current}; moving it to ${targetName} ${direction} ` +
      `(order: ${order}, or down to Archived). ` +
      (next ? `The allowed next stage is ${next}. ` : `${current} is the last stage. `) +
      'To skip stages, set allow-skip: true or allow_skip: true in the policy. Nothing was changed in the registry.'
  )
}
