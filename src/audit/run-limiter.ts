import { retry, type RetryPolicy } from '../core/retry.js'
import type { Clock } from '../core/time.js'
import type { Fetched, RateLimit } from '../github/runs.js'

/**
 * The suite's retry helper with GitHub's waits and nothing else: no backoff of its own (the wait
 * is what GitHub asked for), no count or time bound of its own (the limiter's `maxWaitSeconds`,
 * shared by every request of the check, ends the waiting instead), no per-request timeout (the
 * runs client has its own).
 */
const AS_GITHUB_ASKS: RetryPolicy = {
  maxRetries: Number.POSITIVE_INFINITY,
  baseDelayMs: 0,
  maxDelayMs: 0,
  totalBudgetMs: Number.POSITIVE_INFINITY,
  requestTimeoutMs: Number.POSITIVE_INFINITY,
  jitter: 'none'
}

/**
 * At most `concurrency` requests at once; when GitHub says the limit is spent (or asks to retry
 * after a while) every worker waits for the reset, up to `maxWaitSeconds` in all.
 */
export class Limiter {
  private active = 0
  private readonly queue: (() => void)[] = []
  private pausedUntil = 0
  private waited = 0
  requests = 0

  constructor(
    private readonly concurrency: number,
    private readonly clock: Clock,
    private readonly maxWaitSeconds: number
  ) {}

  async call<T>(fn: () => Promise<Fetched<T>>): Promise<Fetched<T>> {
    await this.slot()
    try {
      let refused: Fetched<T> | undefined
      const answered = await retry<Fetched<T>>(
        async () => {
          // Another request may have paused everyone since this one was told to wait.
          const pause = this.pausedUntil - this.clock.now()
          if (pause > 0) await this.clock.sleep(pause)
          this.requests++
          const answer = await fn()
          this.note(answer.rate)
          if (answer.kind !== 'limited') return { ok: true, value: answer }
          refused = answer
          const wait = answer.waitSeconds
          const problem = `GitHub asked to wait ${wait} s`
          if (this.waited + wait > this.maxWaitSeconds)
            return { ok: false, retryable: false, problem }
          this.waited += wait
          this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait * 1000)
          return { ok: false, retryable: true, problem, retryAfterMs: wait * 1000 }
        },
        AS_GITHUB_ASKS,
        { clock: this.clock, random: Math.random }
      )
      // Out of waiting time: the limited answer stands, and the entry is unconfirmable.
      return answered.ok ? answered.value : refused!
    } finally {
      this.release()
    }
  }

  /** With no requests left, the next ones wait for the window's reset (bounded by maxWaitSeconds). */
  private note(rate: RateLimit | undefined): void {
    if (!rate || rate.remaining > 0) return
    const wait = Math.max(rate.reset * 1000 - this.clock.now(), 0)
    if (this.waited + wait / 1000 <= this.maxWaitSeconds) {
      this.waited += wait / 1000
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait)
    }
  }

  private async slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++
      return
    }
    await new Promise<void>(resolve => this.queue.push(resolve))
  }

  private release(): void {
    const next = this.queue.shift()
    if (next) next()
    else this.active--
  }
}
