import { backoffDelay, type Backoff } from '../core/backoff.js'
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

export interface RetryPolicy {
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

export function appendDelay(attempt: number, policy: RetryPolicy): number {
  // Full jitter: appenders race on one branch head, and a wait near zero is as fair as any.
  const backoff: Backoff = {
    firstMs: policy.backoffMs,
    factor: 2,
    capMs: policy.backoffMs * 16,
    jitter: 'full'
  }
  return backoffDelay(attempt - 1, backoff, policy.random ?? Math.random)
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
  policy: RetryPolicy,
  deps: { logger: Logger; clock: Clock }
): Promise<AppendResult> {
  try {
    const message = commitMessage(fields)
    let line: string | undefined
    let lastProblem = ''
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
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
      const result = await store.write(tip, content, withLineTrailer(message, seq, sha256Hex(line)))
      if (result.kind === 'committed') {
        return { line, sha256: sha256Hex(line), seq, commitSha: result.sha, attempts: attempt }
      }
      lastProblem = result.detail
      if (attempt < policy.maxAttempts) {
        const wait = appendDelay(attempt, policy)
        deps.logger.info(
          `Attempt ${attempt} lost a race (${result.detail}); retrying in ${wait} ms`
        )
        await deps.clock.sleep(wait)
      }
    }
    throw new AppendFailedError(
      `Could not record the audit entry in ${store.description} after ${policy.maxAttempts} attempt(s): ${lastProblem}. ` +
        "Nothing was force-pushed; raise 'max-attempts' or serialise the audit jobs with a concurrency group",
      line,
      policy.maxAttempts
    )
  } finally {
    await store.close?.()
  }
}
