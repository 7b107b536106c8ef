import type { Logger } from '../core/logger.js'
import { isRetryableStatus, retry, type Attempt, type RetryPolicy } from '../core/retry.js'
import type { Clock } from '../core/time.js'

/**
 * Webhook retries on the suite's one retry helper and policy (src/core/retry.ts: attempts,
 * exponential backoff with jitter, a total time budget, a per-request timeout, Retry-After as a
 * floor; the same knobs and defaults as the MLflow client). The senders see a `Retrier`.
 */
export type { Attempt } from '../core/retry.js'

export type Retried<T> =
  { ok: true; value: T; attempts: number } | { ok: false; problem: string; attempts: number }

/** Runs an attempt (given its timeout) until it succeeds, fails for good, or the policy ends it. */
export type Retrier = <T>(
  label: string,
  attempt: (timeoutMs: number) => Promise<Attempt<T>>
) => Promise<Retried<T>>

/** 408, 429 and the transient 5xx (the suite's one list); anything else is final. */
export const RETRYABLE_STATUS = isRetryableStatus

export function policyRetrier(
  policy: RetryPolicy,
  deps: { clock: Clock; random: () => number; logger: Logger }
): Retrier {
  return async (label, attempt) => {
    const result = await retry(({ timeoutMs }) => attempt(timeoutMs), policy, {
      clock: deps.clock,
      random: deps.random,
      onRetry: (n, problem, wait) =>
        deps.logger.info(
          `${label}: attempt ${n} failed (${problem}); retrying in ${(wait / 1000).toFixed(1)} s`
        )
    })
    if (result.ok) return result
    const { problem, attempts } = result
    if (result.gaveUp === 'attempts')
      return { ok: false, problem: `${problem}; gave up after ${attempts} attempts`, attempts }
    if (result.gaveUp === 'budget' && result.nextWaitMs !== undefined) {
      const asked = result.serverAsked
        ? `the server asked to wait ${Math.round(result.nextWaitMs / 1000)} s`
        : `the next wait is ${Math.round(result.nextWaitMs)} ms`
      return {
        ok: false,
        problem: `${problem}; ${asked}, beyond the ${Math.round(policy.totalBudgetMs / 1000)} s retry budget (after ${attempts} attempts)`,
        attempts
      }
    }
    return { ok: false, problem, attempts }
  }
}
