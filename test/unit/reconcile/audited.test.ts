import { describe, expect, it } from '@jest/globals'
import { auditedHolders, auditedModels } from '../../../src/reconcile/audited.js'
import { BOTH_POLICY, chain, event, STAGES_POLICY } from '../../harness/reconcile-helpers.js'

function expected(
  fields: Parameters<typeof chain>[0],
  policy = STAGES_POLICY,
  model = 'churn'
): Record<string, string | null> {
  const { holders } = auditedHolders(chain(fields).entries, model, policy)
  return Object.fromEntries([...holders].map(([k, h]) => [k, h.version]))
}

describe('auditedHolders replays the log as the registry applies it', () => {
  it('the newest successful promotion of a stage holds it', () => {
    expect(
      expected([event('churn', '1', 'Production'), event('churn', '2', 'Production')])
    ).toEqual({ 'stage:Production': '2' })
  })

  it('a version promoted from Staging to Production leaves Staging empty', () => {
    expect(expected([event('churn', '3', 'Staging'), event('churn', '3', 'Production')])).toEqual({
      'stage:Staging': null,
      'stage:Production': '3'
    })
  })

  it('a rollback gives the stage back to the older version (the newer one is archived)', () => {
    const log = [
      event('churn', '1', 'Production'),
      event('churn', '2', 'Production'),
      event('churn', '1', 'Production', { event: 'rollback' })
    ]
    expect(expected(log)).toEqual({ 'stage:Production': '1' })
  })

  it('failures, gate failures and drift records move nothing', () => {
    const log = [
      event('churn', '1', 'Production'),
      event('churn', '2', 'Production', { outcome: 'failure' }),
      event('churn', '3', 'Production', { event: 'gate-failed', outcome: 'failure' }),
      event('churn', '4', 'stage:Production', { event: 'drift-detected', outcome: 'failure' })
    ]
    expect(expected(log)).toEqual({ 'stage:Production': '1' })
  })

  it('in both mode a stage promotion also sets the alias; an alias-only promotion moves only the alias', () => {
    const log = [event('churn', '1', 'Production'), event('churn', '2', 'champion')]
    expect(expected(log, BOTH_POLICY)).toEqual({ 'stage:Production': '1', 'alias:champion': '2' })
  })

  it('keeps models apart and keeps the entry that set each target', () => {
    const { entries } = chain([
      event('a', '1', 'Production'),
      event('b', '7', 'Production'),
      event('a', '2', 'Staging')
    ])
    const { holders } = auditedHolders(entries, 'a', STAGES_POLICY)
    expect(holders.get('stage:Production')).toMatchObject({ version: '1', entry: { seq: 1 } })
    expect(holders.get('stage:Staging')).toMatchObject({ version: '2', entry: { seq: 3 } })
    expect(auditedModels(entries)).toEqual(['a', 'b'])
  })
})
