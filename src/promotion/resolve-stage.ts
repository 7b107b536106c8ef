import { FieldError } from '../core/errors.js'
import { findStage, stageEnvironment, type Policy } from '../policy/index.js'
import { verifyGuard, type GuardDeps } from './guard.js'

export interface StageRequest {
  model: string
  /** The version number to promote, or a rollback (the version given back is the previous holder). */
  target: { kind: 'version'; version: string } | { kind: 'rollback' }
  targetStage: string
  justification: string
}

export interface ResolvedStage {
  /** The stage as the policy spells it. */
  stage: string
  /** The GitHub environment the promote job names (checked in GitHub). */
  environment: string
  /** The stage below it in the order (None for the first), or Archived for a rollback. */
  fromStage: string
  /** True when the stage requires approval, so its environment's protection was verified. */
  guarded: boolean
  defaultBranch: string
  /** With sign_off: each role and the environment its approval job names. Empty otherwise. */
  signOff: { role: string; environment: string }[]
  /** Without sign_off: the stage's approvers as read (logins, and teams written @org/team). */
  approvers: string[]
  /** The policy file the stage was read from. */
  policySource?: string
}

/**
 * The approval workflow's first step: the target stage of the policy (read from the default
 * branch by the workflow), the environment that guards it, and GitHub's settings for that
 * environment, all checked before any job names the environment. A job that names an environment
 * that does not exist makes GitHub create it unprotected, so a missing one is refused here.
 */
export async function resolveStage(
  req: StageRequest,
  policy: Policy,
  deps: GuardDeps
): Promise<ResolvedStage> {
  const stage = findStage(policy, req.targetStage)
  if (!stage || req.targetStage.toLowerCase() === 'archived') {
    throw new FieldError(
      'target-stage',
      `is '${req.targetStage}', which is not a stage of ${policy.source ?? 'the policy'}; ` +
        `use one of: ${policy.stages.map(s => s.name).join(', ')}`
    )
  }
  if (stage.name.toLowerCase() === 'production' && !req.justification.trim())
    throw new FieldError('justification', 'is empty; a promotion to Production needs one')
  // Every stage's environment holds the registry credential and lets only the default branch
  // deploy (guard.ts), so a run from another branch could never enter it: say so now.
  const verdict = await verifyGuard(stage, deps, { requireDefaultBranch: true })
  const index = policy.stages.indexOf(stage)
  return {
    stage: stage.name,
    environment: stageEnvironment(stage),
    fromStage:
      req.target.kind === 'rollback'
        ? 'Archived'
        : index > 0
          ? policy.stages[index - 1]!.name
          : 'None',
    guarded: verdict.guarded,
    defaultBranch: verdict.defaultBranch,
    signOff: (stage.sign_off ?? []).map(r => ({ role: r.role, environment: r.environment })),
    approvers: stage.sign_off ? [] : stage.approvers,
    ...(policy.source ? { policySource: policy.source } : {})
  }
}
