import { describe, expect, it } from '@jest/globals'
import { backoffDelay, POLL_BACKOFF } from '../../../src/core/backoff.js'
import { promote } from '../../../src/promotion/index.js'
import { MlflowUnavailableError } from '../../../src/mlflow/errors.js'
import { failure, request, setup } from './helpers.js'

describe('confirming visibility', () => {
  it('costs no wait when the first reads are already right', async () => {
    const { registry, clock, deps } = setup()
    const result = await promote(request({ version: '1', stage: 'Staging' }), deps)
    expect(clock.slept).toEqual([])
    expect(result.propagationMs).toBe(0)
    expect(registry.stageOf('1')).toBe('Staging')
  })

  it('polls a lagging registry with exponential backoff and jitter, until consistent-reads in a row', async () => {
    const { registry, clock, deps } = setup()
    registry.lagRounds = 4
    const result = await promote(
      request({ version: '1', stage: 'Staging', consistentReads: 3 }),
      deps
    )
    // random() = 0.5 → each wait is 3/4 of the full step: 250, 500, 1000, 2000 ms
    expect(clock.slept).toEqual([187.5, 375, 750, 1500])
    expect(result.propagationMs).toBe(187.5 + 375 + 750 + 1500)
  })

  it('caps the backoff at 5 s', () => {
    expect(backoffDelay(10, POLL_BACKOFF, () => 1)).toBe(5000)
    expect(backoffDelay(0, POLL_BACKOFF, () => 0)).toBe(125)
  })

  it('times out with what it saw last', async () => {
    const { registry, deps } = setup()
    registry.lagRounds = 1000
    const error = await failure(
      promote(request({ version: '1', stage: 'Staging', timeoutMs: 10_000 }), deps)
    )
    expect(error.message).toMatch(
      /did not show the promotion of version 1 of 'churn' 2 times in a row within 10 s/
    )
    expect(error.message).toMatch(/last seen: version 1 in None; stage Staging held by no version/)
    expect(error.message).toMatch(/Registry now shows/)
  })

  it('fails, reporting exactly what it saw, when a different change shows up meanwhile', async () => {
    const { registry, deps } = setup()
    let reads = 0
    registry.hook = op => {
      if (op.startsWith('set-alias')) reads = 0
      if (op.startsWith('alias champion') && ++reads === 2) registry.aliases.set('champion', '3')
    }
    registry.aliases.set('champion', '2')
    const error = await failure(promote(request({ version: '1', alias: 'champion' }), deps))
    expect(error.message).toMatch(
      /showed a change nobody asked this run for: alias 'champion' → version 3/
    )
  })

  it('keeps polling through failed reads (a restarting server) within the timeout', async () => {
    const { registry, clock, deps } = setup()
    let failing = 0
    registry.hook = op => {
      if (op.startsWith('transition')) failing = 3
      else if (op.startsWith('get') && failing > 0) {
        failing--
        throw new MlflowUnavailableError('connection refused')
      }
    }
    const result = await promote(request({ version: '1', stage: 'Staging' }), deps)
    expect(result.changed).toBe(true)
    expect(clock.slept.length).toBe(3)
  })

  it('confirms that no other version still holds the stage when archiving', async () => {
    const { registry, clock, deps } = setup()
    registry.versions.get('1')!.stage = 'Staging'
    registry.lagRounds = 2
    await promote(request({ version: '2', stage: 'Staging' }), deps)
    expect(clock.slept.length).toBe(2)
    expect(registry.stageOf('1')).toBe('Archived')
  })
})
