import { everyLineBacked, trailOf } from '../../harness/audit-trail.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  TeamUnreadableError,
  type Approval,
  type GithubClient
} from '../../../src/github/approvals.js'
import type { DeploymentBranchPolicy } from '../../../src/github/deployment-branches.js'
import type { EnvironmentSettings } from '../../../src/github/environment.js'
import { effectivePolicy, parsePolicy, type Policy } from '../../../src/policy/index.js'
import type {
  PromotionDeps,
  PromotionRequest,
  PromotionRequestBase
} from '../../../src/promotion/index.js'
import { FakeClock, FakeRegistry } from '../../harness/fake-registry.js'

export function policyFrom(yaml: string, model = 'churn'): Policy {
  return effectivePolicy(parsePolicy(yaml, 'policy.yml', new MemoryLogger()), model, 'policy.yml')
}

type RequestOverrides = Partial<PromotionRequestBase> & { version?: string; rollback?: boolean }

export function request(overrides: RequestOverrides = {}): PromotionRequest {
  // A test may build a request the action's inputs would refuse (no version, say): the cast
  // lets it reach the domain, as a caller outside the action could.
  return {
    model: 'churn',
    archiveExisting: true,
    allowSkip: false,
    rollback: false,
    dryRun: false,
    timeoutMs: 60_000,
    consistentReads: 2,
    tagPrefix: 'mg.',
    ...overrides
  } as PromotionRequest
}

export interface Setup {
  registry: FakeRegistry
  clock: FakeClock
  logger: MemoryLogger
  deps: PromotionDeps
  approvalCalls: string[]
}

export function setup(
  options: {
    versions?: number
    policy?: Policy
    approvals?: Approval[]
    audit?: string
    actor?: string
    triggeringActor?: string
    model?: string
    /** The run's ref; refs/heads/main (the default branch) unless set. */
    ref?: string
    /** Environments as GitHub describes them; each named one is protected unless given here. */
    environments?: Record<string, EnvironmentSettings | undefined>
    /** Team members by `@org/slug`; a team not listed cannot be read with the token. */
    teams?: Record<string, string[]>
    /** The repository's protected branches; ['main'] unless set. */
    protectedBranches?: string[]
    /** Each custom environment's deployment branch rules, by environment name. */
    branchPolicies?: Record<string, DeploymentBranchPolicy[]>
  } = {}
): Setup {
  const registry = new FakeRegistry(options.model ?? 'churn', options.versions ?? 3)
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const approvalCalls: string[] = []
  const client: GithubClient = {
    listApprovals: (owner, repo, runId) => {
      approvalCalls.push(`${owner}/${repo}#${runId}`)
      return Promise.resolve(options.approvals ?? [])
    },
    getEnvironment: (_owner, _repo, name) =>
      Promise.resolve(
        options.environments && name in options.environments
          ? options.environments[name]
          : protectedEnvironment(name)
      ),
    getDefaultBranch: () => Promise.resolve('main'),
    listProtectedBranches: () => Promise.resolve(options.protectedBranches ?? ['main']),
    listDeploymentBranchPolicies: (_owner, _repo, name) =>
      Promise.resolve(options.branchPolicies?.[name] ?? []),
    listTeamMembers: (org, slug) => Promise.resolve(options.teams?.[`@${org}/${slug}`]),
    teamMembership: (org, slug, username) => {
      const members = options.teams?.[`@${org}/${slug}`]
      if (!members)
        return Promise.reject(
          new TeamUnreadableError(`The github-token cannot read team @${org}/${slug} (HTTP 404)`)
        )
      return Promise.resolve(members.includes(username) ? 'active' : 'none')
    }
  }
  const deps: PromotionDeps = {
    registry,
    policy: options.policy ?? effectivePolicy(undefined, 'churn'),
    run: {
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      owner: 'acme',
      repo: 'models',
      repository: 'acme/models',
      runId: '42',
      runUrl: 'https://github.com/acme/models/actions/runs/42',
      actor: options.actor ?? 'octocat',
      triggeringActor: options.triggeringActor ?? options.actor ?? 'octocat',
      sha: 'abc123',
      ref: options.ref ?? 'refs/heads/main'
    },
    github: () => Promise.resolve(client),
    readAuditTrail: () =>
      options.audit === undefined
        ? Promise.resolve(undefined)
        : trailOf(options.audit, { github: everyLineBacked }),
    clock,
    random: () => 0.5,
    logger
  }
  return { registry, clock, logger, deps, approvalCalls }
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Error) return error
    throw error
  }
  throw new Error('expected a failure, but the promise resolved')
}

export function approval(
  login: string,
  state = 'approved',
  environments: string[] = ['production']
): Approval {
  return { login, state, comment: '', environments }
}

/** An environment with required reviewers, prevent self-review and a protected-branches policy. */
export function protectedEnvironment(name: string): EnvironmentSettings {
  return {
    name,
    reviewers: [{ type: 'User', name: 'alice' }],
    preventSelfReview: true,
    branchPolicy: { protectedBranches: true, customBranchPolicies: false }
  }
}
