import { fakeClock } from '../../harness/fake-clock.js'
import { describe, expect, it } from '@jest/globals'
import { Limiter } from '../../../src/audit/run-limiter.js'
import type { Fetched } from '../../../src/github/runs.js'

/** Answers in order; the last answer repeats. */
function answers<T>(...list: Fetched<T>[]): { fn: () => Promise<Fetched<T>>; calls: number } {
  const state = {
    calls: 0,
    fn: () => Promise.resolve(list[Math.min(state.calls++, list.length - 1)]!)
  }
  return state
}

describe("the run check's rate-limit waits", () => {
  it('waits as long as GitHub asks, then asks again', async () => {
    const clock = fakeClock()
    const limiter = new Limiter(2, clock, 10)
    const server = answers<string>(
      { kind: 'limited', waitSeconds: 2 },
      { kind: 'limited', waitSeconds: 3 },
      { kind: 'found', value: 'run' }
    )
    expect(await limiter.call(server.fn)).toEqual({ kind: 'found', value: 'run' })
    expect(clock.slept.filter(ms => ms > 0)).toEqual([2000, 3000])
    expect([server.calls, limiter.requests]).toEqual([3, 3])
  })

  it('gives up with the limited answer once the waits would pass maxWaitSeconds, in all calls together', async () => {
    const clock = fakeClock()
    const limiter = new Limiter(1, clock, 5)
    const first = answers<string>(
      { kind: 'limited', waitSeconds: 4 },
      { kind: 'found', value: 'a' }
    )
    expect(await limiter.call(first.fn)).toEqual({ kind: 'found', value: 'a' })
    // 4 s of the 5 are spent: a second wait of 2 s does not fit, so the answer stands.
    const second = answers<string>({ kind: 'limited', waitSeconds: 2 })
    expect(await limiter.call(second.fn)).toEqual({ kind: 'limited', waitSeconds: 2 })
    expect(second.calls).toBe(1)
    expect(clock.slept.filter(ms => ms > 0)).toEqual([4000])
  })

  it('pauses every later request until a spent window resets', async () => {
    const clock = fakeClock()
    const limiter = new Limiter(1, clock, 60)
    const reset = clock.now() / 1000 + 7
    const spent = answers<string>({ kind: 'found', value: 'x', rate: { remaining: 0, reset } })
    await limiter.call(spent.fn)
    const next = answers<string>({ kind: 'found', value: 'y' })
    expect(await limiter.call(next.fn)).toEqual({ kind: 'found', value: 'y' })
    expect(clock.slept.filter(ms => ms > 0)).toEqual([7000])
  })
})
