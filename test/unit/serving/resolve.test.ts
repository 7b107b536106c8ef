import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { resolveTarget, resolveTargetSpec } from '../../../src/serving/index.js'
import {
  BOTH_POLICY,
  chain,
  event,
  FakeReader,
  STAGES_POLICY,
  version
} from '../../harness/reconcile-helpers.js'

const V1 = { lock_sha256: '1'.repeat(64), model_md5: `${'a'.repeat(32)}.dir`, verified: true }
const V2 = { lock_sha256: '2'.repeat(64), model_md5: `${'b'.repeat(32)}.dir`, verified: true }
const NONE = { lock_sha256: '', model_md5: '', verified: null }

/** v1 to Production, v2 to Production, then a rollback to v1 that records no lineage of its own. */
const A1 = {
  digest: `sha256:${'c'.repeat(64)}`,
  files: 5,
  uri: 'mlflow-artifacts:/1/models/m-1/artifacts'
}
const A2 = {
  digest: `sha256:${'d'.repeat(64)}`,
  files: 5,
  uri: 'mlflow-artifacts:/1/models/m-2/artifacts'
}
const TRAIL = chain([
  event('churn', '1', 'Production', { lineage: V1, artifact: A1 }),
  event('churn', '2', 'Production', { lineage: V2, previous_version: '1', artifact: A2 }),
  event('churn', '1', 'Production', { event: 'rollback', lineage: NONE, previous_version: '2' })
]).entries

const deps = (registry: FakeReader) => ({
  registry,
  policyFor: () => BOTH_POLICY,
  entries: TRAIL
})

describe('resolveTarget', () => {
  it("after a rollback: the URI of v1, with v1's own lineage from its promotion, in one registry read", async () => {
    const registry = new FakeReader({
      churn: {
        versions: [version('churn', '1', 'Production'), version('churn', '2', 'Archived')],
        aliases: { champion: '1' }
      }
    })
    const result = await resolveTarget(deps(registry), 'churn', 'Production')
    expect(result).toMatchObject({
      target: { kind: 'stage', name: 'Production' },
      registryVersion: '1',
      auditedVersion: '1',
      governed: true,
      uri: 'models:/churn/1',
      auditSeq: 3,
      problem: null,
      lineage: { model_md5: V1.model_md5, lock_sha256: V1.lock_sha256, seq: 1 },
      // The approved digest of v1's own promotion, not v2's (the newer entry).
      approved: { digest: A1.digest, files: 5, uri: A1.uri, seq: 1 }
    })
    expect(registry.calls).toEqual(['latest churn Production'])
    const alias = await resolveTarget(deps(registry), 'churn', 'alias:champion')
    expect([alias.uri, alias.lineage?.seq]).toEqual(['models:/churn/1', 1])
  })

  it('drift: not governed, no URI, and a problem naming both versions', async () => {
    const registry = new FakeReader({
      churn: { versions: [version('churn', '2', 'Production')], aliases: { champion: '1' } }
    })
    const result = await resolveTarget(deps(registry), 'churn', 'stage:Production')
    expect([result.governed, result.inSync, result.uri]).toEqual([false, false, null])
    expect(result.problem).toContain(
      'held by v2 in http://fake, but the audit trail says v1 (audit entry seq 3)'
    )
  })

  it('no governed holder: nobody in the registry and nobody in the trail', async () => {
    const registry = new FakeReader({ churn: { versions: [] } })
    const result = await resolveTarget(deps(registry), 'churn', 'Staging')
    expect([result.governed, result.inSync, result.uri]).toEqual([false, true, null])
    expect(result.problem).toBe(
      "stage Staging of 'churn' has no governed holder: nobody holds it in the registry, and the audit trail " +
        'never put a version there; promote one through the workflow first'
    )
  })

  it('no governed holder after a later promotion moved the version out: says what the trail did', async () => {
    const entries = chain([
      event('churn', '1', 'Staging', { ts: '2026-11-01T10:00:00.000Z', lineage: V1 }),
      event('churn', '1', 'Production', { ts: '2026-11-03T10:00:00.000Z', from: 'Staging' })
    ]).entries
    const registry = new FakeReader({ churn: { versions: [version('churn', '1', 'Production')] } })
    const result = await resolveTarget(
      { registry, policyFor: () => BOTH_POLICY, entries },
      'churn',
      'Staging'
    )
    expect([result.governed, result.inSync, result.uri]).toEqual([false, true, null])
    expect(result.problem).toBe(
      "stage Staging of 'churn' has no governed holder: nobody holds it in the registry, and the audit trail " +
        'put v1 there (audit entry seq 1, 2026-11-01T10:00:00.000Z) and moved it out with audit entry seq 2 ' +
        '(promote of v1 to Production, 2026-11-03T10:00:00.000Z); promote one through the workflow first'
    )
    expect(result.problem).not.toContain('never')
  })
})

describe('resolveTargetSpec', () => {
  it('reads the spellings of audit entries: stage, stage:, alias:, a bare alias', () => {
    expect(resolveTargetSpec('Production', BOTH_POLICY)).toEqual({
      kind: 'stage',
      name: 'Production'
    })
    expect(resolveTargetSpec('stage:staging', BOTH_POLICY)).toEqual({
      kind: 'stage',
      name: 'Staging'
    })
    expect(resolveTargetSpec('champion', BOTH_POLICY)).toEqual({ kind: 'alias', name: 'champion' })
    expect(resolveTargetSpec('alias:shadow', STAGES_POLICY)).toEqual({
      kind: 'alias',
      name: 'shadow'
    })
  })

  it('refuses None, Archived and an empty target', () => {
    expect(() => resolveTargetSpec('None', STAGES_POLICY)).toThrow(ConfigurationError)
    expect(() => resolveTargetSpec('Archived', STAGES_POLICY)).toThrow("MLflow's Archived stage")
    expect(() => resolveTargetSpec(' ', STAGES_POLICY)).toThrow('names no stage or alias')
  })
})
