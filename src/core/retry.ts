import { backoffDelay, type Backoff } from './backoff.js'
import type { Clock } from './time.js'

/**
 * The suite's one retry helper and its one policy. Every loop that tries an operation again
 * (MLflow HTTP calls, webhook posts, the audit append's lost races) runs through `retry`; every
 * loop that reads until a state appears (registration's READY, the promotion's confirm, a
 * version's appearance) runs through `poll` in backoff.ts. Only the numbers differ, and each
 * caller says why.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (MLFLOW_HTTP_REQUEST_MAX_RETRIES for the MLflow client). */
  maxRetries: number
  /** First backoff delay in ms; doubles each retry. */
  baseDelayMs: number
  maxDelayMs: number
  /** Bound on the time spent across all attempts and waits of one call. */
  totalBudgetMs: number
  /** Per-attempt timeout. */
  requestTimeoutMs: number
  /** half: waits in [d/2, d) (HTTP); full: in [0, d) (writers racing on one branch head). */
  jitter?: Backoff['jitter']
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  totalBudgetMs: 120_000,
  requestTimeoutMs: 30_000
}

/**
 * HTTP statuses worth another try, for every client of the suite: MLflow's Python client's list
 * (mlflow/utils/rest_utils.py: 408, 429, 500, 502, 503, 504). 501 Not Implemented and 505 never
 * change on a retry, so they are final.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

export const isRetryableStatus = (status: number): boolean => RETRYABLE_STATUSES.has(status)

/** One attempt's result. Throwing from an attempt is final: the error propagates as it is. */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
      ok: false
      /** Worth another try (a retryable status, a network error, a lost race). */
      retryable: boolean
      problem: string
      /** The server's Retry-After, in ms: the next attempt waits at least this long. */
      retryAfterMs?: number | undefined
    }

/** Why a retry gave up: a final answer, the attempts ran out, or the next wait would pass the budget. */
export type GaveUp = 'final' | 'attempts' | 'budget'

export type Retried<T> =
  | { ok: true; value: T; attempts: number }
  | {
      ok: false
      problem: string
      attempts: number
      gaveUp: GaveUp
      elapsedMs: number
      /** With gaveUp 'budget': the wait that did not fit, and whether the server asked for it. */
      nextWaitMs?: number
      serverAsked?: boolean
    }

export interface RetryDeps {
  clock: Clock
  random: () => number
  /** Told before each wait: the attempt (from 1) that failed, why, and the wait. */
  onRetry?: (attempt: number, problem: string, waitMs: number) => void
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy ends it. Each attempt gets the
 * time it may take (the per-attempt timeout, or less when the budget is nearly spent) and what
 * is left of the budget. A server's Retry-After is a floor for the next wait.
 */
export async function retry<T>(
  attempt: (limits: { timeoutMs: number; remainingMs: number; n: number }) => Promise<Attempt<T>>,
  policy: RetryPolicy,
  deps: RetryDeps
): Promise<Retried<T>> {
  const backoff: Backoff = {
    firstMs: policy.baseDelayMs,
    factor: 2,
    capMs: policy.maxDelayMs,
    jitter: policy.jitter ?? 'half'
  }
  const started = deps.clock.now()
  const elapsed = (): number => deps.clock.now() - started
  let problem = 'no attempt fitted in the time budget'
  for (let n = 0; ; n++) {
    const remainingMs = policy.totalBudgetMs - elapsed()
    if (remainingMs <= 0)
      return { ok: false, problem, attempts: n, gaveUp: 'budget', elapsedMs: elapsed() }
    const result = await attempt({
      timeoutMs: Math.min(policy.requestTimeoutMs, remainingMs),
      remainingMs,
      n
    })
    if (result.ok) return { ok: true, value: result.value, attempts: n + 1 }
    problem = result.problem
    if (!result.retryable)
      return { ok: false, problem, attempts: n + 1, gaveUp: 'final', elapsedMs: elapsed() }
    if (n >= policy.maxRetries)
      return { ok: false, problem, attempts: n + 1, gaveUp: 'attempts', elapsedMs: elapsed() }
    const wait = Math.max(result.retryAfterMs ?? 0, backoffDelay(n, backoff, deps.random))
    if (elapsed() + wait > policy.totalBudgetMs) {
      return {
        ok: false,
        problem,
        attempts: n + 1,
        gaveUp: 'budget',
        elapsedMs: elapsed(),
        nextWaitMs: wait,
        serverAsked: result.retryAfterMs !== undefined && result.retryAfterMs >= wait
      }
    }
    deps.onRetry?.(n + 1, problem, wait)
    await deps.clock.sleep(wait)
  }
}
