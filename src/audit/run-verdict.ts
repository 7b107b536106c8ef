import type { Clock } from '../core/time.js'
import type { RunsClient } from '../github/runs.js'
import type { AuditEntry } from './entry.js'
import { checkRuns, type RunCheckResult } from './run-check.js'
import type { RunCheckPolicy } from './run-policy.js'
import type { CheckVerdict, EntryStanding } from './verdict.js'

/** What every reader says when it has no token: the GitHub check could not run. */
export const NO_GITHUB_STATEMENT =
  "GitHub's record was not read (no token with actions: read): this reader cannot tell a writer's forgery from a genuine line"

export interface GithubTrustInput {
  /** Parsed entries, with their line numbers (chain-verified lines, in file order). */
  entries: { line: number; entry: AuditEntry }[]
  /** The runs client; undefined when there is no token (the check is not available). */
  client: RunsClient | undefined
  /** owner/repo of the trail. */
  repository: string | undefined
  policy: RunCheckPolicy
  clock: Clock
  /** Why there is no client, said in the verdict (e.g. "no GITHUB_TOKEN or GH_TOKEN"). */
  unavailable?: string
  approvalsHorizonDays?: number
  concurrency?: number
  maxWaitSeconds?: number
}

export interface GithubTrust {
  /** The `github` part of the TrustVerdict (src/audit/verdict.ts). */
  verdict: CheckVerdict
  /** Per line: governed (GitHub backs it), unbacked (could not be read), refused (GitHub contradicts it). */
  standings: Map<number, EntryStanding>
  /** The run check's result, when it ran (findings per line for readers to show). */
  result?: RunCheckResult
}

/**
 * The GitHub part of the one trust verdict (issue "Trust"): readers call this with the entries
 * the chain (and history) checks let through, and act only on `governed` entries when the check
 * ran. Without a client every entry is `unbacked` and the verdict is `not-available`, saying
 * that a forgery cannot be told from a genuine line.
 */
export async function githubTrust(input: GithubTrustInput): Promise<GithubTrust> {
  const standings = new Map<number, EntryStanding>()
  if (!input.client || !input.repository) {
    for (const { line } of input.entries) standings.set(line, 'unbacked')
    const why =
      input.unavailable ?? (input.client ? 'no repository (GITHUB_REPOSITORY)' : 'no token')
    return {
      verdict: { state: 'not-available', note: `${NO_GITHUB_STATEMENT} (${why}).` },
      standings
    }
  }
  const result = await checkRuns(
    input.entries,
    input.client,
    {
      repository: input.repository,
      policy: input.policy,
      approvalsHorizonDays: input.approvalsHorizonDays ?? 90,
      concurrency: input.concurrency ?? 4,
      maxWaitSeconds: input.maxWaitSeconds ?? 300
    },
    input.clock
  )
  for (const v of result.verdicts)
    standings.set(
      v.line,
      v.verdict === 'confirmed' ? 'governed' : v.verdict === 'failed' ? 'refused' : 'unbacked'
    )
  const pinned =
    input.policy.approvalWorkflows.length > 0
      ? ''
      : ' The approval workflow release is not pinned (governance.approval_workflows): any model-approval.yml at a full commit SHA was accepted.'
  return {
    verdict: {
      state: result.failed + result.unconfirmable === 0 ? 'verified' : 'findings',
      note: `${result.summary}.${pinned}`
    },
    standings,
    result
  }
}
