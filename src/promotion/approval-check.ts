import { ActionError, ConfigurationError } from '../core/errors.js'
import type { Approval, ApprovalsClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import { stageEnvironment, type StagePolicy } from '../policy/index.js'

export interface ApprovalVerdict {
  ok: boolean
  required: number
  counted: string[]
  notListed: string[]
  selfApproved: string[]
  rejectedBy: string[]
}

const lower = (s: string): string => s.toLowerCase()

/**
 * The accounts that started this run: the dispatcher (GITHUB_ACTOR) and, on a re-run, whoever
 * re-ran it (GITHUB_TRIGGERING_ACTOR). Neither may approve their own promotion.
 */
export function runActors(run: RunContext): string[] {
  return [...new Set([run.actor, run.triggeringActor].filter((a): a is string => !!a))]
}

/**
 * Applies a stage's approval rule to the run's deployment reviews: distinct approvers in state
 * `approved` of the stage's environment, each on the stage's list (when it has one), the run's
 * actors not counted unless allow_self_approval; any rejection fails. A review that names no
 * environment, or another one, never counts: every stage is guarded by an environment.
 */
export function evaluateApprovals(
  stage: StagePolicy,
  approvals: Approval[],
  actors: string[]
): ApprovalVerdict {
  const environment = lower(stageEnvironment(stage))
  const relevant = approvals.filter(a => a.environments.some(e => lower(e) === environment))
  const distinct = (list: Approval[]): string[] => [
    ...new Map(list.map(a => [lower(a.login), a.login])).values()
  ]
  const rejectedBy = distinct(relevant.filter(a => a.state === 'rejected'))
  const approved = distinct(relevant.filter(a => a.state === 'approved'))
  const listed = new Set(stage.approvers.map(lower))
  const notListed = listed.size > 0 ? approved.filter(a => !listed.has(lower(a))) : []
  const self = new Set(actors.map(lower))
  const selfApproved = stage.allow_self_approval
    ? []
    : approved.filter(a => self.has(lower(a)) && !notListed.includes(a))
  const counted = approved.filter(a => !notListed.includes(a) && !selfApproved.includes(a))
  // The loader refuses min_approvals < 1 on a guarded stage; the floor here keeps that true for
  // a policy built in code.
  const required = Math.max(1, stage.min_approvals ?? 1)
  return {
    ok: rejectedBy.length === 0 && counted.length >= required,
    required,
    counted,
    notListed,
    selfApproved,
    rejectedBy
  }
}

export function describeVerdict(
  stage: StagePolicy,
  verdict: ApprovalVerdict,
  actors: string[]
): string {
  const actor = actors.join(' or ')
  const parts = [
    `Stage ${stage.name} requires ${verdict.required} approval${verdict.required === 1 ? '' : 's'}` +
      (stage.approvers.length ? ` from its approvers` : '') +
      `; counted ${verdict.counted.length}${verdict.counted.length ? ` (${verdict.counted.join(', ')})` : ''}.`
  ]
  if (verdict.rejectedBy.length) parts.push(`Rejected by: ${verdict.rejectedBy.join(', ')}.`)
  if (verdict.notListed.length)
    parts.push(`Not counted, not in the stage's approvers: ${verdict.notListed.join(', ')}.`)
  if (verdict.selfApproved.length) {
    parts.push(
      `Not counted, started this run (${actor}) and allow_self_approval is false: ${verdict.selfApproved.join(', ')}.`
    )
  }
  parts.push(
    `Who may approve: ${stage.approvers.length ? stage.approvers.join(', ') : 'any required reviewer'} of environment ${stageEnvironment(stage)}` +
      (stage.allow_self_approval || !actor ? '.' : ` (not ${actor}).`)
  )
  return parts.join(' ')
}

/** Reads this run's reviews and enforces the stage's rule; fails before anything is written. */
export async function checkApprovals(
  stage: StagePolicy,
  run: RunContext,
  client: () => Promise<ApprovalsClient>
): Promise<ApprovalVerdict> {
  if (!run.owner || !run.repo || !run.runId) {
    throw new ConfigurationError(
      `Stage ${stage.name} requires approval, but GITHUB_REPOSITORY and GITHUB_RUN_ID are not set; ` +
        'run promote-model in a GitHub Actions job (with an environment that has required reviewers)'
    )
  }
  const approvals = await (await client()).listApprovals(run.owner, run.repo, run.runId)
  const actors = runActors(run)
  const verdict = evaluateApprovals(stage, approvals, actors)
  if (!verdict.ok) {
    throw new ActionError(
      `Approval check failed for run ${run.runId}: ${describeVerdict(stage, verdict, actors)} Nothing was changed in the registry.`
    )
  }
  return verdict
}
