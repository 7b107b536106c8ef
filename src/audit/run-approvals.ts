import type { Approval } from '../github/approvals.js'
import type { AuditEntry } from './entry.js'
import type { StageFacts } from './run-policy.js'

/** One problem with the approvals of an entry: `failed` always (what GitHub shows decides). */
export interface ApprovalProblem {
  reason: string
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/**
 * The reviews the entry records, each against the policy: a review with no environment stands
 * for none (it would match any environment), a `role` must be one the stage has, for that role's
 * environment. Whether GitHub shows them is checked separately (recordedShown).
 */
export function recordedProblems(
  entry: AuditEntry,
  stage: StageFacts | undefined
): ApprovalProblem[] {
  const problems: ApprovalProblem[] = []
  const recorded = Array.isArray(entry.approvals) ? entry.approvals : []
  for (const a of recorded) {
    const envs = Array.isArray(a.environments) ? a.environments : []
    if (envs.length === 0)
      problems.push({
        reason: `records a review by ${a.login} that names no environment; a review counts only for the environment it was given in`
      })
    if (a.role === undefined) continue
    const role = stage?.roles.find(r => r.role === a.role)
    if (!role)
      problems.push({
        reason: `records the role ${JSON.stringify(a.role)}, which the policy's stage ${stage ? stage.name : JSON.stringify(entry.to)} does not have${stage ? ` (it has ${stage.roles.map(r => r.role).join(', ')})` : ''}`
      })
    else if (!envs.some(e => same(e, role.environment)))
      problems.push({
        reason: `records role ${role.role} for ${envs.join('/') || 'no environment'}, not its environment ${role.environment}`
      })
  }
  return problems
}

/** The recorded reviews GitHub does not show (login, state and every named environment). */
export function recordedNotShown(entry: AuditEntry, listed: Approval[]): string[] {
  const recorded = Array.isArray(entry.approvals) ? entry.approvals : []
  return recorded
    .filter(a => {
      const envs = Array.isArray(a.environments) ? a.environments : []
      return !listed.some(
        l =>
          same(l.login, String(a.login)) &&
          l.state === a.state &&
          envs.length > 0 &&
          envs.every(e => l.environments.some(le => same(le, e)))
      )
    })
    .map(a => `${a.login} ${a.state} ${(a.environments ?? []).join('/') || '(no environment)'}`)
}

/**
 * Whether GitHub's reviews of the run satisfy the stage (a governed success needs this): for
 * each role, an approval of the role's environment by an eligible person (a listed approver
 * when the role names only logins; never the dispatcher or re-runner unless the stage allows
 * self-approval; each person counted for one role), and no rejection of it.
 */
export function unsatisfiedRoles(
  stage: StageFacts,
  listed: Approval[],
  actors: string[]
): ApprovalProblem[] {
  const problems: ApprovalProblem[] = []
  const counted = new Set<string>()
  for (const role of stage.roles) {
    const reviews = listed.filter(l => l.environments.some(e => same(e, role.environment)))
    const rejected = reviews.find(r => r.state === 'rejected')
    if (rejected) {
      problems.push({
        reason: `GitHub shows ${rejected.login} rejected environment ${role.environment} (role ${role.role})`
      })
      continue
    }
    const logins = role.approvers.filter(a => !a.startsWith('@'))
    // Teams are enforced by GitHub itself (only a required reviewer can review), logins here.
    const restricted = role.approvers.length > 0 && logins.length === role.approvers.length
    const eligible = reviews.find(
      r =>
        r.state === 'approved' &&
        !counted.has(r.login.toLowerCase()) &&
        (stage.allowSelfApproval || !actors.some(a => same(a, r.login))) &&
        (!restricted || logins.some(l => same(l, r.login)))
    )
    if (!eligible) {
      problems.push({
        reason: `GitHub shows no approval of environment ${role.environment} (role ${role.role}) by an eligible reviewer${reviews.length > 0 ? ` (it shows ${reviews.map(r => `${r.login} ${r.state}`).join(', ')})` : ''}`
      })
      continue
    }
    counted.add(eligible.login.toLowerCase())
  }
  return problems
}

/** An approval-rejected entry: GitHub must show a rejection of one of the stage's environments. */
export function rejectionShown(stage: StageFacts | undefined, listed: Approval[]): boolean {
  const envs = stage ? stage.roles.map(r => r.environment) : undefined
  return listed.some(
    l =>
      l.state === 'rejected' &&
      l.environments.length > 0 &&
      (!envs || l.environments.some(e => envs.some(x => same(x, e))))
  )
}
