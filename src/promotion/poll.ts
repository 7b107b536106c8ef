import type { Clock } from '../core/time.js'

/** Exponential backoff with jitter; the defaults the issue fixes: 250 ms, factor 2, cap 5 s. */
export interface Backoff {
  firstMs: number
  factor: number
  capMs: number
}

export const POLL_BACKOFF: Backoff = { firstMs: 250, factor: 2, capMs: 5000 }

/** The wait after the n-th failed look (n from 0): half fixed, half random, so parallel runners spread out. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const full = Math.min(backoff.capMs, backoff.firstMs * backoff.factor ** attempt)
  return full / 2 + (random() * full) / 2
}

export interface WaitOptions {
  clock: Clock
  random: () => number
  timeoutMs: number
  backoff?: Backoff
}

/**
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
    await options.clock.sleep(Math.min(wait, Math.max(0, options.timeoutMs - elapsed)))
  }
}
