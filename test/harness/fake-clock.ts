import type { Clock } from '../../src/core/time.js'

/** A clock whose sleeps pass at once and are recorded, for retry and rate-limit tests. */
export function fakeClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: ms => {
      slept.push(ms)
      now += ms
      return Promise.resolve()
    }
  }
}
