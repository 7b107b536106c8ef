import { checkRuns, type RunCheckResult } from '../audit/run-check.js'
import { githubTrust, type GithubTrust } from '../audit/run-verdict.js'
import { runCheckFacts } from '../policy/index.js'
import { policyFor } from './context.js'
import type { AuditEntry } from '../audit/entry.js'
import { systemClock } from '../core/time.js'
import { runContext } from '../github/context.js'
import { createRunsClient } from '../github/runs.js'
import type { CommandContext } from './context.js'
import { UsageError } from './exit-codes.js'

/**
 * verify-audit --check-runs: the token comes from GITHUB_TOKEN (or GH_TOKEN, as gh reads it),
 * the repository from GITHUB_REPOSITORY, the API from GITHUB_API_URL.
 */
export async function cliRunCheck(
  ctx: CommandContext,
  entries: { line: number; entry: AuditEntry }[]
): Promise<RunCheckResult> {
  const token = ctx.io.env.GITHUB_TOKEN || ctx.io.env.GH_TOKEN
  if (!token)
    throw new UsageError(
      '--check-runs needs a token with actions: read in GITHUB_TOKEN (or GH_TOKEN), e.g. GITHUB_TOKEN=$(gh auth token)'
    )
  ctx.addSecret(token)
  const context = runContext(ctx.io.env)
  if (!context.repository)
    throw new UsageError(
      '--check-runs needs GITHUB_REPOSITORY=owner/repo, the repository whose runs wrote the log'
    )
  const resolve = policyFor(ctx)
  return checkRuns(
    entries,
    createRunsClient(token, context.apiUrl),
    {
      repository: context.repository,
      // The governance keys and stages of the policy in the working directory (--policy-file).
      policy: runCheckFacts(model => resolve(model ?? '')),
      approvalsHorizonDays: 90,
      concurrency: 4,
      maxWaitSeconds: 300
    },
    systemClock
  )
}

/**
 * The GitHub part of the trust verdict for CLI readers: with GITHUB_TOKEN (or GH_TOKEN) and
 * GITHUB_REPOSITORY, the run check; without, not available (and said so).
 */
export async function cliGithubTrust(
  ctx: CommandContext,
  entries: AuditEntry[]
): Promise<GithubTrust> {
  const token = ctx.io.env.GITHUB_TOKEN || ctx.io.env.GH_TOKEN
  if (token) ctx.addSecret(token)
  const context = runContext(ctx.io.env)
  const resolve = policyFor(ctx)
  return githubTrust({
    entries: entries.map((entry, i) => ({ line: i + 1, entry })),
    client: token ? createRunsClient(token, context.apiUrl) : undefined,
    repository: context.repository,
    policy: runCheckFacts(model => resolve(model ?? '')),
    clock: systemClock,
    unavailable: token ? 'no GITHUB_REPOSITORY' : 'no GITHUB_TOKEN or GH_TOKEN'
  })
}
