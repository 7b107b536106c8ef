import type { Clock } from './time.js'

/**
 * The suite's one backoff: exponential from `firstMs` by `factor`, capped at `capMs`, with
 * jitter so parallel runners spread out. Every retry and poll loop (MLflow HTTP retries, the
 * audit append's race retries, the promotion's confirm and version polls, registration's wait
 * for READY) takes its delays from here; only the numbers differ, and each caller says why.
 */
export interface Backoff {
  firstMs: number
  factor: number
  capMs: number
  /**
   * half: the wait is in [d/2, d), so it never collapses to nothing (polls, HTTP retries);
   * full: in [0, d), best for writers racing on one branch (AWS's "full jitter");
   * none: exactly d (a deterministic wait, logged as such).
   */
  jitter: 'half' | 'full' | 'none'
}

/** Polls: 250 ms, doubling, capped at 5 s. */
export const POLL_BACKOFF: Backoff = { firstMs: 250, factor: 2, capMs: 5000, jitter: 'half' }

/** The wait after the n-th failed try (n from 0). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const full = Math.min(backoff.capMs, backoff.firstMs * backoff.factor ** attempt)
  if (backoff.jitter === 'none') return full
  if (backoff.jitter === 'full') return Math.floor(random() * full)
  return full / 2 + (random() * full) / 2
}

export interface WaitOptions {
  clock: Clock
  random: () => number
  timeoutMs: number
  backoff?: Backoff
  /** Told before each wait: how many looks found nothing yet, and the wait. */
  onWait?: (looks: number, waitMs: number) => void
}

/**
 * The suite's one poll helper (retries of an operation go through src/core/retry.ts).
 * Calls `look` until it returns a value, sleeping with backoff in between. `look` returns
 * undefined for "not yet" and throws for "never". Returns undefined when the timeout runs out;
 * the first look is immediate, so a state that is already right costs one call and no wait.
 */
export async function waitFor<T>(
  look: () => Promise<T | undefined>,
  options: WaitOptions
): Promise<T | undefined> {
  const backoff = options.backoff ?? POLL_BACKOFF
  const started = options.clock.now()
  for (let attempt = 0; ; attempt++) {
    const value = await look()
    if (value !== undefined) return value
    const wait = backoffDelay(attempt, backoff, options.random)
    const elapsed = options.clock.now() - started
    if (elapsed >= options.timeoutMs) return undefined
    const capped = Math.min(wait, Math.max(0, options.timeoutMs - elapsed))
    options.onWait?.(attempt + 1, capped)
    await options.clock.sleep(capped)
  }
}
