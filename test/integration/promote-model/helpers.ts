import { everyLineBacked, trailOf } from '../../harness/audit-trail.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGithubClient, type GithubClient } from '../../../src/github/approvals.js'
import type { RunContext } from '../../../src/github/context.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowHttp, type RetryPolicy } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'
import { effectivePolicy, parsePolicy, type Policy } from '../../../src/policy/index.js'
import type {
  PromotionDeps,
  PromotionRequest,
  PromotionRequestBase
} from '../../../src/promotion/index.js'
import type { SeedOp } from '../../harness/python.js'

export const FAST_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 50,
  maxDelayMs: 400,
  totalBudgetMs: 4000,
  requestTimeoutMs: 10_000
}

/**
 * For the basic-auth server. Every request there pays MLflow's scrypt password check, about
 * 0.6 s of that server's single worker on a 2-core machine (0.03 s for the same request on the
 * plain server, measured), and with two jest workers other files' authenticated requests queue
 * ahead: a tag write then took longer than FAST_RETRY's 4 s budget, which is sized for the fault
 * tests' fast failures. No test here times the auth server; the registration helpers use 90 s too.
 */
export const AUTH_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 2000,
  totalBudgetMs: 90_000,
  requestTimeoutMs: 30_000
}

export function realClient(
  uri: string,
  options: { username?: string; password?: string; retry?: RetryPolicy; logger?: MemoryLogger } = {}
): MlflowClient {
  const connection = resolveConnection(
    {
      'tracking-uri': uri,
      'tracking-username': options.username,
      'tracking-password': options.password
    },
    {}
  )
  return new MlflowClient(
    new MlflowHttp(connection, {
      logger: options.logger ?? new MemoryLogger(),
      retry: options.retry ?? FAST_RETRY
    })
  )
}

export function policy(yaml?: string, model = 'any'): Policy {
  return yaml === undefined
    ? effectivePolicy(undefined, model)
    : effectivePolicy(parsePolicy(yaml, 'policy.yml', new MemoryLogger()), model, 'policy.yml')
}

export const RUN: RunContext = {
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  owner: 'acme',
  repo: 'models',
  repository: 'acme/models',
  runId: '4242',
  runUrl: 'https://github.com/acme/models/actions/runs/4242',
  actor: 'octocat',
  triggeringActor: 'octocat',
  sha: '0123456789abcdef0123456789abcdef01234567',
  ref: 'refs/heads/main'
}

export function deps(
  client: MlflowClient,
  options: {
    policy?: Policy
    run?: RunContext
    github?: GithubClient
    githubApi?: string
    audit?: string
  } = {}
): PromotionDeps {
  return {
    registry: client,
    policy: options.policy ?? policy(),
    run: options.run ?? RUN,
    github: () =>
      Promise.resolve(options.github ?? createGithubClient('ghs_test_token', options.githubApi)),
    readAuditTrail: () =>
      options.audit === undefined
        ? Promise.resolve(undefined)
        : trailOf(options.audit, { github: everyLineBacked }),
    clock: systemClock,
    random: Math.random,
    logger: new MemoryLogger()
  }
}

type RequestOverrides = Partial<PromotionRequestBase> & { version?: string; rollback?: boolean }

export function request(model: string, overrides: RequestOverrides = {}): PromotionRequest {
  // A test may build a request the action's inputs would refuse (no version, say): the cast
  // lets it reach the domain, as a caller outside the action could.
  return {
    model,
    archiveExisting: true,
    allowSkip: false,
    rollback: false,
    dryRun: false,
    timeoutMs: 30_000,
    consistentReads: 2,
    tagPrefix: 'model_governance.',
    ...overrides
  } as PromotionRequest
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

/** Seed ops for a model with `count` versions registered from one run (index `runIndex` of the plan). */
export function modelOps(name: string, count: number, runIndex = 0): SeedOp[] {
  return Array.from({ length: count }, () => ({ op: 'register', name, run: runIndex }))
}

export interface DumpedVersion {
  version: string
  stage: string
  aliases: string[]
  tags: Record<string, string>
}
export interface DumpedModel {
  name: string
  aliases: Record<string, string>
  versions: DumpedVersion[]
}

/** Stage per version, e.g. {1: 'Archived', 2: 'Production'}, from a Python-client dump. */
export function stages(model: DumpedModel): Record<string, string> {
  return Object.fromEntries(model.versions.map(v => [v.version, v.stage]))
}
