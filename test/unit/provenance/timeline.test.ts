import { describe, expect, it } from '@jest/globals'
import {
  holderTimeline,
  holdersAt,
  reproduceCommands,
  versionRecord
} from '../../../src/provenance/index.js'
import { BOTH_POLICY, chain, event } from '../../harness/reconcile-helpers.js'

const NO_LINEAGE = { lock_sha256: '', model_md5: '', verified: null }

/** promote v1, promote v2, a refused gate for v3, then roll back to v1: the demo's story. */
const { entries } = chain([
  event('churn', '1', 'Production', { ts: '2026-11-01T10:00:00.000Z' }),
  event('churn', '2', 'Production', {
    ts: '2026-11-02T10:00:00.000Z',
    lineage: { lock_sha256: 'd'.repeat(64), model_md5: 'e'.repeat(32), verified: true }
  }),
  event('churn', '3', 'Production', {
    ts: '2026-11-02T12:00:00.000Z',
    event: 'gate-failed',
    outcome: 'failure'
  }),
  event('churn', '1', 'Production', {
    ts: '2026-11-03T10:00:00.000Z',
    event: 'rollback',
    lineage: NO_LINEAGE,
    approvals: [{ login: 'dave', state: 'approved', comment: '', environments: ['production'] }]
  }),
  event('other', '9', 'Production', { ts: '2026-11-04T10:00:00.000Z' })
])

describe('holder timeline', () => {
  const timelines = holderTimeline(entries, 'churn', BOTH_POLICY)
  const production = timelines.find(
    t => t.target.kind === 'stage' && t.target.name === 'Production'
  )!

  it('replays moves into spans; a failed gate and another model move nothing', () => {
    expect(production.spans.map(s => [s.version, s.from, s.until, s.event])).toEqual([
      ['1', '2026-11-01T10:00:00.000Z', '2026-11-02T10:00:00.000Z', 'promote'],
      ['2', '2026-11-02T10:00:00.000Z', '2026-11-03T10:00:00.000Z', 'promote'],
      ['1', '2026-11-03T10:00:00.000Z', null, 'rollback']
    ])
    // The policy's targets are all listed, moved or not.
    expect(timelines.map(t => `${t.target.kind}:${t.target.name}`)).toEqual(
      expect.arrayContaining(['stage:Staging', 'alias:challenger', 'alias:champion'])
    )
    expect(timelines.find(t => t.target.name === 'Staging')!.spans).toEqual([])
  })

  it('answers an instant: a span starts at its entry (inclusive) and ends at the next (exclusive)', () => {
    const at = (iso: string): string | null =>
      holdersAt(timelines, new Date(iso)).find(h => h.target.name === 'Production')!.version
    expect(at('2026-11-01T09:59:59.999Z')).toBeNull()
    expect(at('2026-11-01T10:00:00.000Z')).toBe('1')
    expect(at('2026-11-02T09:59:59.999Z')).toBe('1')
    expect(at('2026-11-02T10:00:00.000Z')).toBe('2')
    expect(at('2026-11-02T13:00:00.000Z')).toBe('2')
    expect(at('2026-11-03T10:00:00.000Z')).toBe('1')
    expect(at('2030-01-01T00:00:00.000Z')).toBe('1')
  })
})

describe('version record', () => {
  it("gives a rolled-back version its own promotion's lineage, and keeps every event", () => {
    const v1 = versionRecord(entries, 'churn', '1')
    expect(v1.promotions.map(p => p.event)).toEqual(['promote', 'rollback'])
    expect(v1.lineage).toMatchObject({
      lock_sha256: 'b'.repeat(64),
      model_md5: 'c'.repeat(32),
      seq: 1
    })
    expect(versionRecord(entries, 'churn', '2').lineage?.model_md5).toBe('e'.repeat(32))
    const v3 = versionRecord(entries, 'churn', '3')
    expect([v3.events.length, v3.promotions.length, v3.lineage]).toEqual([1, 0, null])
  })
})

describe('reproduce commands', () => {
  it('prints commands only for a commit id', () => {
    expect(reproduceCommands('a'.repeat(40))[0]).toBe(`git checkout ${'a'.repeat(40)}`)
    expect(reproduceCommands('main; rm -rf /')).toEqual([])
    expect(reproduceCommands(null)).toEqual([])
  })
})
