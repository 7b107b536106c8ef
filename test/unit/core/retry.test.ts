import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  isRetryableStatus,
  retry,
  type Attempt,
  type RetryPolicy
} from '../../../src/core/retry.js'
import { ROOT } from '../../harness/paths.js'

const policy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  totalBudgetMs: 10_000,
  requestTimeoutMs: 2000
}

function fakeClock() {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        sleeps.push(ms)
        now += ms
        return Promise.resolve()
      }
    }
  }
}

const failing = (extra: Partial<Extract<Attempt<never>, { ok: false }>> = {}): Attempt<never> => ({
  ok: false,
  retryable: true,
  problem: 'HTTP 503',
  ...extra
})

describe('the one retry helper', () => {
  it('one list of retryable statuses: 501 and 505 are final, as in MLflow’s client', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 409, 501, 505].some(isRetryableStatus)).toBe(false)
  })

  it('retries with half-jitter backoff until the attempts run out', async () => {
    const { clock, sleeps } = fakeClock()
    const result = await retry(() => Promise.resolve(failing()), policy, { clock, random: () => 0 })
    expect(result).toMatchObject({
      ok: false,
      attempts: 4,
      gaveUp: 'attempts',
      problem: 'HTTP 503'
    })
    expect(sleeps).toEqual([50, 100, 200])
  })

  it('takes Retry-After as a floor and stops when the wait would pass the budget', async () => {
    const { clock, sleeps } = fakeClock()
    const result = await retry(() => Promise.resolve(failing({ retryAfterMs: 6000 })), policy, {
      clock,
      random: () => 0
    })
    expect(sleeps).toEqual([6000])
    expect(result).toMatchObject({
      ok: false,
      gaveUp: 'budget',
      nextWaitMs: 6000,
      serverAsked: true
    })
  })

  it('a final answer ends at once, a thrown error propagates, a success returns its attempt', async () => {
    const { clock } = fakeClock()
    const final = await retry(
      () => Promise.resolve(failing({ retryable: false, problem: 'HTTP 501' })),
      policy,
      { clock, random: () => 0 }
    )
    expect(final).toMatchObject({ ok: false, attempts: 1, gaveUp: 'final' })
    await expect(
      retry(() => Promise.reject(new Error('refused')), policy, { clock, random: () => 0 })
    ).rejects.toThrow('refused')
    let n = 0
    const ok = await retry(
      () => Promise.resolve(++n < 3 ? failing() : { ok: true as const, value: 'v' }),
      policy,
      { clock, random: () => 0 }
    )
    expect(ok).toEqual({ ok: true, value: 'v', attempts: 3 })
  })

  it('gives each attempt the per-request timeout, or what is left of the budget', async () => {
    const { clock } = fakeClock()
    const seen: number[] = []
    await retry(
      ({ timeoutMs }) => {
        seen.push(timeoutMs)
        return Promise.resolve(failing())
      },
      { ...policy, totalBudgetMs: 1000, baseDelayMs: 100 },
      { clock, random: () => 0 }
    )
    expect(seen[0]).toBe(1000)
    expect(seen[1]).toBe(950)
  })

  it('is the only retry loop and the only retryable-status list in src/', () => {
    const files = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true, recursive: true })
      .filter(e => e.isFile() && e.name.endsWith('.ts'))
      .map(e => path.join(e.parentPath, e.name))
    const lists = files.filter(f => /\b50[234]\b.*\b50[234]\b/.test(readFileSync(f, 'utf8')))
    expect(lists.map(f => path.relative(ROOT, f))).toEqual(['src/core/retry.ts'])
    const backoffUsers = files.filter(f => /backoffDelay\(/.test(readFileSync(f, 'utf8')))
    expect(backoffUsers.map(f => path.relative(ROOT, f)).sort()).toEqual([
      'src/core/backoff.ts',
      'src/core/retry.ts'
    ])
  })
})
