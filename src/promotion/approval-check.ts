import { ActionError, ConfigurationError } from '../core/errors.js'
import type { Approval, ApprovalsClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import type { StagePolicy } from '../policy/index.js'

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
 * Applies a stage's approval rule to the run's deployment reviews: distinct approvers in state
 * `approved`, each on the stage's list (when it has one), the triggering actor not counted unless
 * allow_self_approval; any rejection fails. Reviews for other environments do not count.
 */
export function evaluateApprovals(
  stage: StagePolicy,
  approvals: Approval[],
  actor: string | undefined
): ApprovalVerdict {
  const relevant = stage.environment
    ? approvals.filter(
        a =>
          a.environments.length === 0 ||
          a.environments.some(e => lower(e) === lower(stage.environment!))
      )
    : approvals
  const distinct = (list: Approval[]): string[] => [
    ...new Map(list.map(a => [lower(a.login), a.login])).values()
  ]
  const rejectedBy = distinct(relevant.filter(a => a.state === 'rejected'))
  const approved = distinct(relevant.filter(a => a.state === 'approved'))
  const listed = new Set(stage.approvers.map(lower))
  const notListed = listed.size > 0 ? approved.filter(a => !listed.has(lower(a))) : []
  const selfApproved =
    actor && !stage.allow_self_approval
      ? approved.filter(a => lower(a) === lower(actor) && !notListed.includes(a))
      : []
  const counted = approved.filter(a => !notListed.includes(a) && !selfApproved.includes(a))
  const required = stage.min_approvals ?? 1
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
  actor: string | undefined
): string {
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
      `Not counted, triggered this run (${actor}) and allow_self_approval is false: ${verdict.selfApproved.join(', ')}.`
    )
  }
  parts.push(
    `Who may approve: ${stage.approvers.length ? stage.approvers.join(', ') : 'any required reviewer of the environment'}` +
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
  const verdict = evaluateApprovals(stage, approvals, run.triggeringActor)
  if (!verdict.ok) {
    throw new ActionError(
      `Approval check failed for run ${run.runId}: ${describeVerdict(stage, verdict, run.triggeringActor)} Nothing was changed in the registry.`
    )
  }
  return verdict
}
