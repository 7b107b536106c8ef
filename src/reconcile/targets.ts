import { ConfigurationError } from '../core/errors.js'
import type { MlflowStage } from '../mlflow/index.js'
import { findStage, mlflowStageFor, type Policy, type StagePolicy } from '../policy/index.js'
import { stageAlias } from '../promotion/targets.js'

/** Something that names one version of a model at a time: an MLflow stage or an alias. */
export type Target = { kind: 'stage'; name: MlflowStage } | { kind: 'alias'; name: string }

/** `stage:Production` / `alias:champion`: the spelling audit entries and messages use. */
export function targetKey(target: Target): string {
  return `${target.kind}:${target.name}`
}

/**
 * The targets reconcile compares for one model under its policy. MLflow's `None` stage is left
 * out: every new registration lands there, so its holder is never a governed decision (its
 * alias, in the alias modes, is). Archived is a way out of the order, not a holder.
 */
export function policyTargets(policy: Policy): Target[] {
  const targets: Target[] = []
  for (const stage of policy.stages) {
    const mlflow = mlflowStageFor(stage.name)
    if (policy.mode !== 'aliases' && (mlflow === 'Staging' || mlflow === 'Production')) {
      targets.push({ kind: 'stage', name: mlflow })
    }
    if (policy.mode !== 'stages') targets.push({ kind: 'alias', name: stageAlias(stage) })
  }
  return targets
}

/**
 * What an audit entry's `to` moved, read the way promote-model writes and reads it: `Production`
 * or `stage:Production` moves the stage and, in the alias modes, the stage's alias; `champion` or
 * `alias:champion` moves that alias only (promote-model's alias input moves nothing else).
 */
export function entryMoves(to: string, policy: Policy): Target[] {
  const text = to.trim()
  if (text === '') return []
  const lower = text.toLowerCase()
  if (lower.startsWith('alias:'))
    return [{ kind: 'alias', name: text.slice('alias:'.length).trim() }]
  const stageName = lower.startsWith('stage:') ? text.slice('stage:'.length).trim() : text
  const policyStage: StagePolicy | undefined = findStage(policy, stageName)
  const mlflow =
    mlflowStageFor(stageName) ?? (policyStage ? mlflowStageFor(policyStage.name) : undefined)
  if (!policyStage && !mlflow) {
    return lower.startsWith('stage:') ? [] : [{ kind: 'alias', name: text }]
  }
  const moves: Target[] = []
  if (policy.mode !== 'aliases' && mlflow) moves.push({ kind: 'stage', name: mlflow })
  if (policy.mode !== 'stages' && policyStage && mlflow !== 'Archived') {
    moves.push({ kind: 'alias', name: stageAlias(policyStage) })
  }
  return moves
}

/** Adds targets not yet listed (by key), keeping the first occurrence's order. */
export function mergeTargets(...lists: Target[][]): Target[] {
  const seen = new Map<string, Target>()
  for (const list of lists)
    for (const t of list) if (!seen.has(targetKey(t))) seen.set(targetKey(t), t)
  return [...seen.values()]
}

/**
 * The one target `resolve` and `status <model> <target>` answer for, spelled as audit entries spell `to` (reconcile's
 * targets.ts): `Production` or `stage:Production` is the stage (in the `aliases` mode, the
 * stage's alias, which is what that mode governs); `champion` or `alias:champion` is the alias.
 * MLflow's None and Archived stages are refused: every new version lands in None by
 * registration, and Archived is a way out, so neither names a governed holder.
 */
export function resolveTargetSpec(text: string, policy: Policy): Target {
  const spelled = text.trim()
  const moves = entryMoves(spelled, policy)
  const target = moves[0]
  if (spelled === '' || !target) {
    throw new ConfigurationError(
      `The target '${spelled}' names no stage or alias; give a stage of the policy (e.g. Production, stage:Production) or an alias (e.g. champion, alias:champion)`
    )
  }
  if (target.kind === 'stage' && (target.name === 'None' || target.name === 'Archived')) {
    throw new ConfigurationError(
      `The target '${spelled}' is MLflow's ${target.name} stage, which holds no governed version (${
        target.name === 'None'
          ? 'every new registration lands there'
          : 'it is where versions leave to'
      }); resolve a stage the policy promotes to, such as Production, or an alias`
    )
  }
  return target
}
