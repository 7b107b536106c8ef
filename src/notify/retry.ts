import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/time.js'
import type { RetryPolicy } from '../mlflow/http.js'
import { backoffDelay, type Backoff } from '../core/backoff.js'

/**
 * Webhook retries on the suite's one retry policy (RetryPolicy: attempts, exponential backoff
 * with jitter, a total time budget, a per-request timeout; the same knobs and defaults as the
 * MLflow client). Kept to this file so that, when the policy moves to one shared helper, only this
 * file changes: the senders see a `Retrier`.
 */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
      ok: false
      /** 408, 429, 5xx and network errors are worth another try; anything else is final. */
      retryable: boolean
      problem: string
      /** The server's Retry-After, in ms: the next attempt waits at least this long. */
      retryAfterMs?: number | undefined
    }

export type Retried<T> =
  { ok: true; value: T; attempts: number } | { ok: false; problem: string; attempts: number }

/** Runs an attempt (given its timeout) until it succeeds, fails for good, or the policy ends it. */
export type Retrier = <T>(
  label: string,
  attempt: (timeoutMs: number) => Promise<Attempt<T>>
) => Promise<Retried<T>>

export const RETRYABLE_STATUS = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

export function policyRetrier(
  policy: RetryPolicy,
  deps: { clock: Clock; random: () => number; logger: Logger }
): Retrier {
  const backoff: Backoff = {
    firstMs: policy.baseDelayMs,
    factor: 2,
    capMs: policy.maxDelayMs,
    jitter: 'half'
  }
  return async (label, attempt) => {
    const started = deps.clock.now()
    let problem = 'no attempt fitted in the time budget'
    for (let n = 0; ; n++) {
      const remaining = policy.totalBudgetMs - (deps.clock.now() - started)
      if (remaining <= 0) return { ok: false, problem, attempts: n }
      const result = await attempt(Math.min(policy.requestTimeoutMs, remaining))
      if (result.ok) return { ok: true, value: result.value, attempts: n + 1 }
      problem = result.problem
      if (!result.retryable) return { ok: false, problem, attempts: n + 1 }
      if (n >= policy.maxRetries)
        return {
          ok: false,
          problem: `${problem}; gave up after ${n + 1} attempts`,
          attempts: n + 1
        }
      const wait = Math.max(result.retryAfterMs ?? 0, backoffDelay(n, backoff, deps.random))
      const elapsed = deps.clock.now() - started
      if (elapsed + wait > policy.totalBudgetMs) {
        const asked =
          result.retryAfterMs !== undefined
            ? `the server asked to wait ${Math.round(result.retryAfterMs / 1000)} s`
            : `the next wait is ${Math.round(wait)} ms`
        return {
          ok: false,
          problem: `${problem}; ${asked}, beyond the ${Math.round(policy.totalBudgetMs / 1000)} s retry budget (after ${n + 1} attempts)`,
          attempts: n + 1
        }
      }
      deps.logger.info(
        `${label}: attempt ${n + 1} failed (${problem}); retrying in ${(wait / 1000).toFixed(1)} s`
      )
      await deps.clock.sleep(wait)
    }
  }
}
