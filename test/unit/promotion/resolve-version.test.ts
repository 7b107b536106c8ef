import { describe, expect, it } from '@jest/globals'
import { resolveVersion } from '../../../src/promotion/resolve-version.js'
import { FakeClock, FakeRegistry } from '../../harness/fake-registry.js'

function wait(clock = new FakeClock(), timeoutMs = 60_000) {
  return { clock, random: () => 0.5, timeoutMs }
}

describe('resolving the version input', () => {
  const registry = new FakeRegistry('churn', 4)
  registry.versions.get('2')!.stage = 'Production'
  registry.versions.get('3')!.runId = 'abc'
  registry.aliases.set('champion', '3')

  it.each([
    ['2', '2'],
    ['latest', '4'],
    ['alias:champion', '3'],
    ['stage:production', '2'],
    ['run:abc', '3']
  ])('%s → version %s', async (spec, expected) => {
    expect((await resolveVersion(registry, 'churn', spec, wait())).version).toBe(expected)
  })

  it.each([
    ['alias:nope', /has no alias 'nope'/],
    ['stage:Staging', /no version of 'churn' is in stage Staging/],
    ['run:zzz', /no version of 'churn' was registered from run zzz/],
    ['stage:QA', /use stage:<Stage>/],
    ['v2', /use a version number, latest/]
  ])('%s fails clearly', async (spec, message) => {
    await expect(resolveVersion(registry, 'churn', spec, wait())).rejects.toThrow(message)
  })

  it('waits for PENDING_REGISTRATION, and fails on FAILED_REGISTRATION', async () => {
    const pending = new FakeRegistry('churn', 2)
    pending.versions.get('2')!.status = 'PENDING_REGISTRATION'
    let reads = 0
    pending.hook = op => {
      if (op === 'get 2' && ++reads === 3) pending.versions.get('2')!.status = 'READY'
    }
    const clock = new FakeClock()
    expect((await resolveVersion(pending, 'churn', '2', wait(clock))).status).toBe('READY')
    expect(clock.slept).toEqual([187.5])
    pending.versions.get('1')!.status = 'PENDING_REGISTRATION'
    await expect(
      resolveVersion(pending, 'churn', '1', wait(new FakeClock(), 5000))
    ).rejects.toThrow(/still PENDING_REGISTRATION after 5 s/)
    pending.versions.get('1')!.status = 'FAILED_REGISTRATION'
    await expect(resolveVersion(pending, 'churn', '1', wait())).rejects.toThrow(
      /FAILED_REGISTRATION/
    )
  })
})
