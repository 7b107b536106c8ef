import type { Clock } from '../core/time.js'
import type { Fetched, RateLimit } from '../github/runs.js'

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
      for (;;) {
        const pause = this.pausedUntil - this.clock.now()
        if (pause > 0) await this.clock.sleep(pause)
        this.requests++
        const answer = await fn()
        this.note(answer.rate)
        if (answer.kind !== 'limited') return answer
        const wait = answer.waitSeconds
        if (this.waited + wait > this.maxWaitSeconds) return answer
        this.waited += wait
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait * 1000)
      }
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
