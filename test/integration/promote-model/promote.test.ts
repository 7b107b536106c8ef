import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { dumpModel, dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { deps, modelOps, policy, realClient, request, stages, type DumpedModel } from './helpers.js'

/**
 * Every promotion behaviour against the real MLflow server (PostgreSQL), with the end state read
 * back through MLflow's own Python client. One seed and one final dump keep Python start-ups few.
 */
describe('promote-model against a real MLflow server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const names = {
    archive: uniqueName('pm-archive'),
    alias: uniqueName('pm-alias'),
    both: uniqueName('pm-both'),
    idem: uniqueName('pm-idem'),
    order: uniqueName('pm-order'),
    cas: uniqueName('pm-cas'),
    rollback: uniqueName('pm-rollback'),
    dry: uniqueName('pm-dry'),
    uc: `main.ml.${uniqueName('pm-uc')}`
  }
  let dryBefore: unknown
  const end: Record<string, DumpedModel> = {}

  beforeAll(() => {
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-tests' },
      ...modelOps(names.archive, 3),
      { op: 'transition', name: names.archive, version: '1', stage: 'Production' },
      { op: 'transition', name: names.archive, version: '2', stage: 'Production' },
      { op: 'transition', name: names.archive, version: '3', stage: 'Staging' },
      ...modelOps(names.alias, 2),
      { op: 'alias', name: names.alias, alias: 'champion', version: '1' },
      ...modelOps(names.both, 2),
      { op: 'transition', name: names.both, version: '2', stage: 'Staging' },
      ...modelOps(names.idem, 2),
      { op: 'transition', name: names.idem, version: '1', stage: 'Staging' },
      ...modelOps(names.order, 1),
      ...modelOps(names.cas, 3),
      { op: 'transition', name: names.cas, version: '3', stage: 'Production' },
      { op: 'transition', name: names.cas, version: '2', stage: 'Staging' },
      ...modelOps(names.rollback, 3),
      { op: 'transition', name: names.rollback, version: '1', stage: 'Staging' },
      { op: 'transition', name: names.rollback, version: '2', stage: 'Staging' },
      { op: 'transition', name: names.rollback, version: '3', stage: 'Staging' },
      ...modelOps(names.dry, 2),
      { op: 'transition', name: names.dry, version: '1', stage: 'Production' },
      { op: 'transition', name: names.dry, version: '2', stage: 'Staging' },
      { op: 'alias', name: names.dry, alias: 'champion', version: '1' },
      ...modelOps(names.uc, 1)
    ])
    dryBefore = dumpModel(mlflow.uri, names.dry)
  })

  afterAll(async () => {
    await client.http.close()
  })

  it('moves a stage with archiving: one version holds Production afterwards', async () => {
    const result = await promote(
      request(names.archive, { version: '3', stage: 'Production' }),
      deps(client)
    )
    expect(result).toMatchObject({
      version: '3',
      previousVersion: '2',
      changed: true,
      archivedVersions: ['1', '2']
    })
    expect(result.after.map(v => [v.version, v.stage])).toEqual([
      ['1', 'Archived'],
      ['2', 'Archived'],
      ['3', 'Production']
    ])
  })

  it('moves an alias', async () => {
    const result = await promote(
      request(names.alias, { version: '2', alias: 'champion' }),
      deps(client)
    )
    expect(result).toMatchObject({ previousVersion: '1', aliases: ['champion'], changed: true })
  })

  it("moves the stage and the stage's alias in both mode", async () => {
    const both = policy(
      'registry: {mode: both}\nstages:\n  - name: Staging\n  - name: Production\n    alias: prod\n'
    )
    const result = await promote(
      request(names.both, { version: '2', stage: 'Production' }),
      deps(client, { policy: both })
    )
    expect(result.moves).toEqual([
      { kind: 'stage', stage: 'Production', archiveExisting: true },
      { kind: 'alias', alias: 'prod' }
    ])
    expect(result.changed).toBe(true)
  })

  it('writes nothing on an idempotent rerun', async () => {
    const first = await promote(
      request(names.idem, { version: '1', stage: 'Production' }),
      deps(client)
    )
    const before = await client.getModelVersion(names.idem, '1')
    const again = await promote(
      request(names.idem, { version: '1', stage: 'Production' }),
      deps(client)
    )
    const after = await client.getModelVersion(names.idem, '1')
    expect(first.changed).toBe(true)
    expect(again).toMatchObject({ changed: false, previousVersion: '', propagationMs: 0 })
    expect(after.last_updated_timestamp).toBe(before.last_updated_timestamp)
    expect(after.tags).toEqual(before.tags)
  })

  it('refuses an order violation and changes nothing', async () => {
    await expect(
      promote(request(names.order, { version: '1', stage: 'Production' }), deps(client))
    ).rejects.toThrow(
      /is in Development; moving it to Production skips Staging.*allowed next stage is Staging/
    )
  })

  it('refuses an expected-previous-version mismatch and changes nothing', async () => {
    await expect(
      promote(
        request(names.cas, { version: '2', stage: 'Production', expectedPreviousVersion: '1' }),
        deps(client)
      )
    ).rejects.toThrow(
      /expected-previous-version is 1, but stage Production .* is now held by version 3/
    )
  })

  it('rolls back after two promotions, from the tags it wrote', async () => {
    const d = deps(client)
    await promote(request(names.rollback, { version: '1', stage: 'Production' }), d)
    await promote(request(names.rollback, { version: '2', stage: 'Production' }), d)
    const result = await promote(
      request(names.rollback, { stage: 'Production', rollback: true }),
      d
    )
    expect(result).toMatchObject({
      version: '1',
      previousVersion: '2',
      rollback: true,
      changed: true
    })
  })

  it('dry run checks and plans, and leaves the registry byte-for-byte unchanged', async () => {
    const result = await promote(
      request(names.dry, { version: '2', stage: 'Production', alias: 'champion', dryRun: true }),
      deps(client)
    )
    expect(result).toMatchObject({
      changed: false,
      dryRun: true,
      previousVersion: '1',
      archivedVersions: ['1']
    })
    await expect(
      promote(
        request(names.dry, {
          version: '2',
          stage: 'Production',
          expectedPreviousVersion: '7',
          dryRun: true
        }),
        deps(client)
      )
    ).rejects.toThrow(/expected-previous-version is 7/)
  })

  it('passes Unity-Catalog-style three-level names through unchanged', async () => {
    const result = await promote(
      request(names.uc, { version: '1', alias: 'candidate' }),
      deps(client)
    )
    expect(result.modelUri).toBe(`models:/${names.uc}/1`)
  })

  describe("end states through MLflow's Python client", () => {
    beforeAll(() => {
      Object.assign(end, dumpModels(mlflow.uri, Object.values(names)))
    })

    it('stage transition with archiving', () => {
      expect(stages(end[names.archive]!)).toEqual({ 1: 'Archived', 2: 'Archived', 3: 'Production' })
      const tags = end[names.archive]!.versions[2]!.tags
      expect(tags).toMatchObject({
        'model_governance.previous_version': '2',
        'model_governance.previous.stage.Production': '2',
        'model_governance.promoted_by': 'octocat',
        'model_governance.git_commit': '0123456789abcdef0123456789abcdef01234567',
        'model_governance.run_url': 'https://github.com/acme/models/actions/runs/4242',
        'model_governance.rollback': 'false'
      })
      expect(Date.parse(tags['model_governance.promoted_at']!)).toBeGreaterThan(
        Date.now() - 600_000
      )
    })

    it('alias move', () => {
      expect(end[names.alias]!.aliases).toEqual({ champion: '2' })
    })

    it('both mode', () => {
      expect(stages(end[names.both]!)).toEqual({ 1: 'None', 2: 'Production' })
      expect(end[names.both]!.aliases).toEqual({ prod: '2' })
    })

    it('idempotent rerun', () => {
      expect(stages(end[names.idem]!)).toEqual({ 1: 'Production', 2: 'None' })
    })

    it('order violation and compare-and-set mismatch left the registry as seeded', () => {
      expect(stages(end[names.order]!)).toEqual({ 1: 'None' })
      expect(end[names.order]!.versions[0]!.tags).toEqual({})
      expect(stages(end[names.cas]!)).toEqual({ 1: 'None', 2: 'Staging', 3: 'Production' })
      expect(end[names.cas]!.versions.map(v => v.tags)).toEqual([{}, {}, {}])
    })

    it('rollback after two promotions', () => {
      expect(stages(end[names.rollback]!)).toEqual({ 1: 'Production', 2: 'Archived', 3: 'Staging' })
      expect(end[names.rollback]!.versions[0]!.tags).toMatchObject({
        'model_governance.rollback': 'true',
        'model_governance.previous.stage.Production': '2'
      })
    })

    it('dry run: the full dump is identical', () => {
      expect(end[names.dry]).toEqual(dryBefore)
    })

    it('three-level name', () => {
      expect(end[names.uc]!.aliases).toEqual({ candidate: '1' })
    })
  })
})
