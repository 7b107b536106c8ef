import { ActionError, ConfigurationError } from '../core/errors.js'
import { TeamUnreadableError, type Approval, type GithubClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import type { EnvironmentSettings } from '../github/environment.js'
import { signOffRoles, type SignOffRole, type StagePolicy } from '../policy/index.js'

/** One role's sign-off as the check saw it. */
export interface RoleSignOff {
  role: string
  environment: string
  /** The approver counted for the role, when there is one. */
  login?: string
  state: 'approved' | 'rejected' | 'missing'
}

export interface ApprovalVerdict {
  ok: boolean
  /** How many distinct people must approve: one per role. */
  required: number
  counted: string[]
  roles: RoleSignOff[]
  notListed: string[]
  selfApproved: string[]
  rejectedBy: string[]
  /** People whose approval of one role was the only one another role had. */
  signedTwice: string[]
}

/** Answers whether a login may sign for a role (team membership may need GitHub). */
export type Eligibility = (role: SignOffRole, login: string) => Promise<boolean>

const lower = (s: string): string => s.toLowerCase()

/**
 * The accounts that started this run: the dispatcher (GITHUB_ACTOR) and, on a re-run, whoever
 * re-ran it (GITHUB_TRIGGERING_ACTOR). Neither may approve their own promotion.
 */
export function runActors(run: RunContext): string[] {
  return [...new Set([run.actor, run.triggeringActor].filter((a): a is string => !!a))]
}

/** Logins listed by name; teams are left to the eligibility callback. */
export function listedLogin(role: SignOffRole, login: string): boolean | undefined {
  if (role.approvers.length === 0) return true
  if (role.approvers.some(a => !a.startsWith('@') && lower(a) === lower(login))) return true
  return role.approvers.some(a => a.startsWith('@')) ? undefined : false
}

/**
 * Applies a stage's approval rule to the run's deployment reviews. Every role (one, the stage
 * itself, without `sign_off`) needs an approving review of its own environment by an eligible
 * person, people distinct across roles, the run's actors not counted unless allow_self_approval;
 * any rejection of a role's environment fails. A review that names no environment, or another,
 * never counts.
 */
export async function evaluateApprovals(
  stage: StagePolicy,
  approvals: Approval[],
  actors: string[],
  eligible: Eligibility = (role, login) => Promise.resolve(listedLogin(role, login) === true)
): Promise<ApprovalVerdict> {
  const roles = signOffRoles(stage)
  const self = new Set(actors.map(lower))
  const verdict: ApprovalVerdict = {
    ok: false,
    required: roles.length,
    counted: [],
    roles: [],
    notListed: [],
    selfApproved: [],
    rejectedBy: [],
    signedTwice: []
  }
  const add = (list: string[], login: string): void => {
    if (!list.some(l => lower(l) === lower(login))) list.push(login)
  }
  const signed = new Set<string>()
  for (const role of roles) {
    const reviews = approvals.filter(a =>
      a.environments.some(e => lower(e) === lower(role.environment))
    )
    const rejected = reviews.filter(a => a.state === 'rejected')
    rejected.forEach(a => add(verdict.rejectedBy, a.login))
    const candidates: string[] = []
    for (const review of reviews.filter(a => a.state === 'approved')) {
      if (!stage.allow_self_approval && self.has(lower(review.login))) {
        add(verdict.selfApproved, review.login)
        continue
      }
      if (!(await eligible(role, review.login))) {
        add(verdict.notListed, review.login)
        continue
      }
      add(candidates, review.login)
    }
    const fresh = candidates.find(c => !signed.has(lower(c)))
    if (!fresh && candidates.length > 0) candidates.forEach(c => add(verdict.signedTwice, c))
    if (fresh) {
      signed.add(lower(fresh))
      add(verdict.counted, fresh)
    }
    verdict.roles.push({
      role: role.role,
      environment: role.environment,
      ...(fresh ? { login: fresh } : {}),
      state: rejected.length > 0 ? 'rejected' : fresh ? 'approved' : 'missing'
    })
  }
  verdict.ok = verdict.rejectedBy.length === 0 && verdict.roles.every(r => r.state === 'approved')
  return verdict
}

export function describeVerdict(
  stage: StagePolicy,
  verdict: ApprovalVerdict,
  actors: string[]
): string {
  const roles = signOffRoles(stage)
  const actor = actors.join(' or ')
  const parts = [
    stage.sign_off
      ? `Stage ${stage.name} requires a sign-off by each of ${roles.length} roles; ` +
        verdict.roles
          .map(r => `${r.role} (environment ${r.environment}): ${r.login ?? r.state}`)
          .join(', ') +
        '.'
      : `Stage ${stage.name} requires ${verdict.required} approval${verdict.required === 1 ? '' : 's'}` +
        (stage.approvers.length ? ' from its approvers' : '') +
        `; counted ${verdict.counted.length}${verdict.counted.length ? ` (${verdict.counted.join(', ')})` : ''}.`
  ]
  if (verdict.rejectedBy.length) parts.push(`Rejected by: ${verdict.rejectedBy.join(', ')}.`)
  if (verdict.signedTwice.length)
    parts.push(
      `Signed twice: ${verdict.signedTwice.join(', ')} approved more than one role, and each role needs a different person.`
    )
  if (verdict.notListed.length)
    parts.push(`Not counted, not in the stage's approvers: ${verdict.notListed.join(', ')}.`)
  if (verdict.selfApproved.length)
    parts.push(
      `Not counted, started this run (${actor}) and allow_self_approval is false: ${verdict.selfApproved.join(', ')}.`
    )
  parts.push(
    roles
      .map(
        r =>
          `Who may approve${roles.length > 1 ? ` as ${r.role}` : ''}: ` +
          `${r.approvers.length ? r.approvers.join(', ') : 'any required reviewer'} of environment ${r.environment}`
      )
      .join('; ') + (stage.allow_self_approval || !actor ? '.' : ` (not ${actor}).`)
  )
  return parts.join(' ')
}

function sameReviewers(settings: EnvironmentSettings | undefined, role: SignOffRole): boolean {
  if (!settings?.reviewers || role.approvers.length === 0) return false
  const norm = (name: string): string => lower(name.replace(/^@/, ''))
  const reviewers = new Set(settings.reviewers.map(r => norm(r.name)))
  const approvers = new Set(role.approvers.map(norm))
  return reviewers.size === approvers.size && [...approvers].every(a => reviewers.has(a))
}

/**
 * Eligibility for team approvers. GitHub itself enforces it when the environment's required
 * reviewers are exactly the role's approvers (only a required reviewer can review); otherwise the
 * membership is read with the github-token. When neither can be established the check refuses:
 * a team approver is never counted, nor never-matched, silently.
 */
export function teamEligibility(
  github: GithubClient,
  settings: Map<string, EnvironmentSettings>
): Eligibility {
  return async (role, login) => {
    const listed = listedLogin(role, login)
    if (listed !== undefined) return listed
    if (sameReviewers(settings.get(lower(role.environment)), role)) return true
    for (const team of role.approvers.filter(a => a.startsWith('@'))) {
      const [org, slug] = team.slice(1).split('/') as [string, string]
      try {
        if ((await github.teamMembership(org, slug, login)) === 'active') return true
      } catch (error) {
        if (!(error instanceof TeamUnreadableError)) throw error
        throw new ConfigurationError(
          `Role ${role.role} lists team ${team}, and whether ${login} belongs to it cannot be established: ${error.message}. ` +
            "A workflow's GITHUB_TOKEN cannot read organisation teams: pass github-token from a GitHub App installation " +
            `with Members: read on the organisation (docs/policy.md, "Team approvers"), or make the required reviewers of ` +
            `environment ${role.environment} exactly ${role.approvers.join(', ')}, so that GitHub enforces it. Nothing was changed in the registry.`,
          { cause: error }
        )
      }
    }
    return false
  }
}

/** Reads this run's reviews and enforces the stage's rule; fails before anything is written. */
export async function checkApprovals(
  stage: StagePolicy,
  run: RunContext,
  client: () => Promise<GithubClient>,
  settings: Map<string, EnvironmentSettings> = new Map()
): Promise<ApprovalVerdict> {
  if (!run.owner || !run.repo || !run.runId) {
    throw new ConfigurationError(
      `Stage ${stage.name} requires approval, but GITHUB_REPOSITORY and GITHUB_RUN_ID are not set; ` +
        'run promote-model in a GitHub Actions job (with an environment that has required reviewers)'
    )
  }
  const github = await client()
  const approvals = await github.listApprovals(run.owner, run.repo, run.runId)
  const actors = runActors(run)
  const verdict = await evaluateApprovals(
    stage,
    approvals,
    actors,
    teamEligibility(github, settings)
  )
  if (!verdict.ok) {
    throw new ActionError(
      `Approval check failed for run ${run.runId}: ${describeVerdict(stage, verdict, actors)} Nothing was changed in the registry.`
    )
  }
  return verdict
}
