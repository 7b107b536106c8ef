import { githubTrust, type GithubTrust } from '../audit/run-verdict.js'
import { runCheckFacts } from '../policy/index.js'
import { policyFor } from './context.js'
import type { AuditEntry } from '../audit/entry.js'
import type { GithubCheck } from '../audit/trail.js'
import { runCheckGithub } from '../audit/trail-github.js'
import { systemClock } from '../core/time.js'
import { runContext } from '../github/context.js'
import { createRunsClient } from '../github/runs.js'
import type { CommandContext } from './context.js'
import { UsageError } from './exit-codes.js'

/**
 * --check-runs, for every command that reads the trail: the token comes from GITHUB_TOKEN (or
 * GH_TOKEN, as gh reads it), the repository from GITHUB_REPOSITORY, the API from GITHUB_API_URL.
 */
export function cliGithubCheck(ctx: CommandContext): GithubCheck | undefined {
  if (!ctx.args.checkRuns) return undefined
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
  return runCheckGithub(
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

/** Why the CLI did not read GitHub's record, in the verdict every reader prints. */
export const CLI_GITHUB_UNAVAILABLE =
  "--check-runs was not given (it needs GITHUB_TOKEN with actions: read), so GitHub's record of the runs was not read"
