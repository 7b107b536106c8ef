import { retry, type RetryPolicy } from '../core/retry.js'
import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/time.js'
import { commitMessage, formatLine, sha256Hex, type EntryFields } from './format.js'
import { withLineTrailer } from './line-trailer.js'
import { verifyBytes } from './verify.js'

/** The branch tip as a store sees it: `head` is what the commit must replace (null: new branch). */
export interface Tip {
  head: string | null
  content: Buffer
}

export type WriteResult = { kind: 'committed'; sha: string } | { kind: 'conflict'; detail: string }

/**
 * Where AUDIT.log lives: git (CLI, push) or GitHub's GraphQL API. write() is a compare-and-set
 * on tip.head: it returns 'conflict' when the branch moved and throws on anything that a retry
 * cannot fix (a hook or rule rejected the commit).
 */
export interface AuditStore {
  readonly description: string
  readTip(): Promise<Tip>
  write(tip: Tip, content: Buffer, message: string): Promise<WriteResult>
  /** Releases whatever the store kept between attempts (git: its scratch ref). */
  close?(): Promise<void>
}

/** How an append retries a lost race (inputs max-attempts and backoff-ms). */
export interface AppendRetry {
  maxAttempts: number
  /** Base of the full-jitter exponential backoff: wait in [0, base * 2^(attempt-1)), capped at 16 * base. */
  backoffMs: number
  random?: () => number
}

export interface AppendResult {
  line: string
  sha256: string
  seq: number
  commitSha: string
  attempts: number
}

/** Thrown when the entry could not be recorded; carries the line so the caller can still print it. */
export class AppendFailedError extends ActionError {
  constructor(
    message: string,
    readonly line: string | undefined,
    readonly attempts: number
  ) {
    super(message)
  }
}

/**
 * The suite's one retry policy for an append: attempts only (no time budget: a lost race is
 * cheap and each attempt is bounded by the store), and full jitter because appenders race on
 * one branch head, where a wait near zero is as fair as any.
 */
export function appendRetryPolicy(retry: AppendRetry): RetryPolicy {
  return {
    maxRetries: Math.max(0, retry.maxAttempts - 1),
    baseDelayMs: retry.backoffMs,
    maxDelayMs: retry.backoffMs * 16,
    totalBudgetMs: Number.POSITIVE_INFINITY,
    requestTimeoutMs: Number.POSITIVE_INFINITY,
    jitter: 'full'
  }
}

/**
 * Validates the chain at the tip, places the entry after its last line, and commits; on a race
 * (the branch moved) re-reads the tip and recomputes seq and prev, so the entry lands after
 * whatever won. Never rewrites existing bytes: the new content is the old content plus a line.
 */
export async function appendEntry(
  store: AuditStore,
  fields: EntryFields,
  file: string,
  policy: AppendRetry,
  deps: { logger: Logger; clock: Clock }
): Promise<AppendResult> {
  try {
    const message = commitMessage(fields)
    let line: string | undefined
    const outcome = await retry<AppendResult>(
      async ({ n }) => {
        const attempt = n + 1
        const tip = await store.readTip()
        const chain = await verifyBytes(tip.content)
        if (!chain.valid && chain.firstBad) {
          throw new AppendFailedError(
            `Refusing to append: ${file} at ${tip.head?.slice(0, 12) ?? 'the branch tip'} has a broken chain at line ` +
              `${chain.firstBad.line}, which ${chain.firstBad.reason}. Restore the file from git history (git log -p -- ${file}) ` +
              "and run again; run mode 'verify' to check it",
            line,
            attempt
          )
        }
        const seq = chain.entries + 1
        line = formatLine(fields, seq, chain.headSha256)
        const content = Buffer.concat([tip.content, Buffer.from(`${line}\n`, 'utf8')])
        // The trailer names the line for the history check (line-trailer.ts); seq changes on a retry.
        const result = await store.write(
          tip,
          content,
          withLineTrailer(message, seq, sha256Hex(line))
        )
        if (result.kind === 'committed') {
          const value = {
            line,
            sha256: sha256Hex(line),
            seq,
            commitSha: result.sha,
            attempts: attempt
          }
          return { ok: true, value }
        }
        return { ok: false, retryable: true, problem: result.detail }
      },
      appendRetryPolicy(policy),
      {
        clock: deps.clock,
        random: policy.random ?? Math.random,
        onRetry: (attempt, problem, wait) =>
          deps.logger.info(`Attempt ${attempt} lost a race (${problem}); retrying in ${wait} ms`)
      }
    )
    if (outcome.ok) return outcome.value
    throw new AppendFailedError(
      `Could not record the audit entry in ${store.description} after ${policy.maxAttempts} attempt(s): ${outcome.problem}. ` +
        "Nothing was force-pushed; raise 'max-attempts' or serialise the audit jobs with a concurrency group",
      line,
      policy.maxAttempts
    )
  } finally {
    await store.close?.()
  }
}
