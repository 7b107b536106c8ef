import { describe, expect, it } from '@jest/globals'
import { mapConcurrent } from '../../../src/core/concurrency.js'

/** Work that resolves when the test says so, counting how many calls are in flight. */
function gated(): {
  work: (n: number) => Promise<number>
  inFlight: () => number
  max: () => number
  started: number[]
  release: (n: number) => void
} {
  let active = 0
  let max = 0
  const started: number[] = []
  const waiting = new Map<number, () => void>()
  return {
    started,
    inFlight: () => active,
    max: () => max,
    work: async n => {
      active++
      max = Math.max(max, active)
      started.push(n)
      await new Promise<void>(resolve => waiting.set(n, resolve))
      active--
      return n * 10
    },
    release: n => {
      waiting.get(n)?.()
      waiting.delete(n)
    }
  }
}

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls in flight and returns results in the items order', async () => {
    const g = gated()
    const items = Array.from({ length: 20 }, (_, i) => i)
    const done = mapConcurrent(items, 3, g.work)
    await tick()
    expect(g.started).toEqual([0, 1, 2])
    // Finish out of order (newest started first): the results still follow the items.
    while (g.started.length < items.length || g.inFlight() > 0) {
      for (const n of [...g.started].reverse()) g.release(n)
      await tick()
    }
    await expect(done).resolves.toEqual(items.map(n => n * 10))
    expect(g.max()).toBe(3)
    expect([...g.started].sort((a, b) => a - b)).toEqual(items)
  })

  it('uses one worker per item when there are fewer items than the limit', async () => {
    const g = gated()
    const done = mapConcurrent([1, 2], 8, g.work)
    await tick()
    expect(g.inFlight()).toBe(2)
    g.release(1)
    g.release(2)
    await expect(done).resolves.toEqual([10, 20])
    await expect(mapConcurrent([], 8, g.work)).resolves.toEqual([])
  })

  it('rejects on the first failure and starts nothing after it', async () => {
    const started: number[] = []
    const error = await mapConcurrent([1, 2, 3, 4, 5], 1, async n => {
      started.push(n)
      await tick()
      if (n === 2) throw new Error('boom')
      return n
    }).catch((e: unknown) => e)
    expect(error).toEqual(new Error('boom'))
    expect(started).toEqual([1, 2])
  })

  it('refuses a limit that is not a positive integer', async () => {
    await expect(mapConcurrent([1], 0, n => Promise.resolve(n))).rejects.toThrow(
      /positive integer; got 0/
    )
    await expect(mapConcurrent([1], 1.5, n => Promise.resolve(n))).rejects.toThrow(
      /positive integer/
    )
  })
})
