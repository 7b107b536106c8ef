import { describe, expect, it } from '@jest/globals'
import { reconcile } from '../../../src/reconcile/reconcile.js'
import { reconcileSummary } from '../../../src/reconcile/summary.js'
import {
  BOTH_POLICY,
  chain,
  event,
  FakeReader,
  STAGES_POLICY,
  version
} from '../../harness/reconcile-helpers.js'

describe('reconcile', () => {
  it('is in sync when the registry holds what the log says', async () => {
    const { entries } = chain([
      event('churn', '1', 'Staging'),
      event('churn', '1', 'Production'),
      event('churn', '2', 'Staging')
    ])
    const registry = new FakeReader({
      churn: { versions: [version('churn', '1', 'Production'), version('churn', '2', 'Staging')] }
    })
    const report = await reconcile(entries, { registry, policyFor: () => STAGES_POLICY })
    expect(report).toMatchObject({ inSync: true, models: ['churn'], findings: [] })
    expect(report.rows.map(r => [r.target.name, r.registryVersion, r.auditedVersion])).toEqual([
      ['Staging', '2', '2'],
      ['Production', '1', '1']
    ])
  })

  it('finds a stage moved outside the trail, with the registry timestamp and user', async () => {
    const { entries } = chain([event('churn', '1', 'Production')])
    const registry = new FakeReader({
      churn: {
        versions: [
          version('churn', '1', 'Archived'),
          version('churn', '2', 'Production', {
            last_updated_timestamp: 1_764_100_000_000,
            user_id: 'mallory'
          })
        ]
      }
    })
    const report = await reconcile(entries, { registry, policyFor: () => STAGES_POLICY })
    expect(report.inSync).toBe(false)
    expect(report.findings).toEqual([
      {
        model: 'churn',
        kind: 'stage',
        target: 'Production',
        registry_version: '2',
        audited_version: '1',
        last_updated_timestamp: 1_764_100_000_000,
        last_updated: new Date(1_764_100_000_000).toISOString(),
        user_id: 'mallory',
        audit_seq: 1
      }
    ])
  })

  it('finds an alias moved outside the trail and an unaudited holder of a stage the log never touched', async () => {
    const { entries } = chain([event('churn', '1', 'Production')])
    const registry = new FakeReader({
      churn: {
        versions: [version('churn', '1', 'Production'), version('churn', '2', 'Staging')],
        aliases: { champion: '2' }
      }
    })
    const report = await reconcile(entries, { registry, policyFor: () => BOTH_POLICY })
    expect(
      report.findings.map(f => [f.kind, f.target, f.registry_version, f.audited_version])
    ).toEqual([
      ['stage', 'Staging', '2', null],
      ['alias', 'champion', '2', '1']
    ])
    expect(report.findings[0]!.user_id).toBeNull()
  })

  it('reports a target emptied outside the trail, and a deleted model, as held by nobody', async () => {
    const { entries } = chain([event('churn', '1', 'Production'), event('gone', '4', 'Production')])
    const registry = new FakeReader({ churn: { versions: [version('churn', '1', 'Archived')] } })
    const report = await reconcile(entries, { registry, policyFor: () => STAGES_POLICY })
    expect(
      report.findings.map(f => [
        f.model,
        f.target,
        f.registry_version,
        f.audited_version,
        f.last_updated_timestamp
      ])
    ).toEqual([
      ['churn', 'Production', null, '1', null],
      ['gone', 'Production', null, '4', null]
    ])
  })

  it('reads every stage in one get-latest-versions call and each alias once', async () => {
    const { entries } = chain([event('churn', '1', 'Production')])
    const registry = new FakeReader({
      churn: { versions: [version('churn', '1', 'Production')], aliases: { champion: '1' } }
    })
    await reconcile(entries, { registry, policyFor: () => BOTH_POLICY })
    expect(registry.calls.sort()).toEqual([
      'alias churn challenger',
      'alias churn champion',
      'alias churn development',
      'latest churn Staging,Production'
    ])
  })

  it('only the models asked for, when given', async () => {
    const { entries } = chain([event('a', '1', 'Production'), event('b', '1', 'Production')])
    const registry = new FakeReader({ b: { versions: [version('b', '1', 'Production')] } })
    const report = await reconcile(entries, { registry, policyFor: () => STAGES_POLICY }, ['b'])
    expect(report).toMatchObject({ inSync: true, models: ['b'] })
  })

  it('summarises drift first in a markdown table', async () => {
    const { entries } = chain([event('churn', '1', 'Production'), event('churn', '3', 'Staging')])
    const registry = new FakeReader({
      churn: { versions: [version('churn', '3', 'Staging'), version('churn', '2', 'Production')] }
    })
    const report = await reconcile(entries, { registry, policyFor: () => STAGES_POLICY })
    const md = reconcileSummary(report, 'AUDIT.log')
    expect(md).toContain('**Drift: 1 target(s) changed outside the audit trail.**')
    const rows = md
      .split('\n')
      .filter(l => l.startsWith('| ') && !l.startsWith('| Status') && !l.startsWith('| ---'))
    expect(rows[0]).toMatch(/^\| \*\*DRIFT\*\* \| churn \| stage Production \| 2 \| 1 \|/)
    expect(rows[1]).toMatch(/^\| in sync \| churn \| stage Staging \| 3 \| 3 \|/)
  })
})
