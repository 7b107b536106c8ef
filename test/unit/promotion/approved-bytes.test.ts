import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  ARTIFACT_DIGEST_TAG,
  digestArtifact,
  manifestText,
  type ArtifactDigest,
  type ArtifactFile,
  type ArtifactReader
} from '../../../src/artifacts/index.js'
import type { ModelVersion } from '../../../src/mlflow/index.js'
import { planApproval, promote } from '../../../src/promotion/index.js'
import { approvalPlanSummary } from '../../../src/promotion/approval-plan-summary.js'
import { readApprovedManifest } from '../../../src/promotion/approved-artifact.js'
import { chain, event } from '../../harness/reconcile-helpers.js'
import { approval, failure, policyFrom, request, setup } from './helpers.js'

/** Each version's files in a fake store; tests change them between validation and the write. */
class FakeStore {
  readonly files = new Map<string, Map<string, string>>()
  reads = 0

  put(version: string, files: Record<string, string>): void {
    this.files.set(version, new Map(Object.entries(files)))
  }

  reader(version: string): ArtifactReader {
    const files = this.files.get(version) ?? new Map<string, string>()
    const location = {
      uri: `mlflow-artifacts:/1/models/m-${version}/artifacts`,
      scheme: 'mlflow-artifacts' as const,
      via: `models:/churn/${version} → logged model m-${version}`
    }
    return {
      location,
      list: () =>
        Promise.resolve({
          kind: 'dir' as const,
          location,
          files: [...files].map(([relpath, text]) => ({ relpath, size: text.length }))
        }),
      read: <T>(file: ArtifactFile, consume: (body: AsyncIterable<Uint8Array>) => Promise<T>) => {
        this.reads++
        const bytes = Buffer.from(files.get(file.relpath) ?? '')
        return consume(Readable.from([bytes]))
      }
    }
  }

  digester = (version: ModelVersion): Promise<ArtifactDigest> =>
    digestArtifact(this.reader(version.version))
}

const MODEL = { MLmodel: 'flavors: sklearn', 'model.pkl': 'weights-v1', 'conda.yaml': 'deps' }

function withStore(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options)
  const store = new FakeStore()
  for (const v of ['1', '2', '3']) store.put(v, { ...MODEL, 'model.pkl': `weights-v${v}` })
  s.deps.digestVersion = store.digester
  return { ...s, store }
}

describe('approved bytes: the digest shown in validation', () => {
  it('planApproval digests the version and gives the manifest that hashes to the digest, changing nothing', async () => {
    const { deps, store, registry } = withStore()
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    expect(plan).toMatchObject({ model: 'churn', version: '2', rollback: false })
    expect(plan.artifact.files.map(f => f.path)).toEqual(['MLmodel', 'conda.yaml', 'model.pkl'])
    expect(plan.manifest).toBe(manifestText(plan.artifact.files))
    const hashed = `sha256:${createHash('sha256').update(plan.manifest).digest('hex')}`
    expect(plan.artifact.digest).toBe(hashed)
    expect(store.reads).toBe(3)
    expect(registry.writes).toEqual([])
    const summary = approvalPlanSummary(plan)
    expect(summary).toContain(plan.artifact.digest)
    expect(summary).toContain(createHash('sha256').update('weights-v2').digest('hex'))
    expect(summary).toContain('mlflow-artifacts:/1/models/m-2/artifacts')
  })

  it('a large manifest is summarised by its count, not file by file', async () => {
    const { deps, store } = withStore()
    store.put('2', Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`part-${i}`, `${i}`])))
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    const summary = approvalPlanSummary(plan)
    expect(summary).toContain('30 files: the manifest')
    expect(summary).not.toContain('part-7')
  })
})

describe('approved bytes: checked again right before the write', () => {
  it('promotes when the files are the approved ones, and records the digest in the tag', async () => {
    const { deps, registry } = withStore()
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    const result = await promote(
      request({
        version: '2',
        stage: 'Staging',
        approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
      }),
      deps
    )
    expect(result.changed).toBe(true)
    expect(result.artifact?.digest).toBe(plan.artifact.digest)
    expect(registry.versions.get('2')!.tags.get(ARTIFACT_DIGEST_TAG)).toBe(plan.artifact.digest)
  })

  it('refuses when one file changed after approval, naming it, and changes nothing', async () => {
    const { deps, registry, store } = withStore()
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    store.put('2', { ...MODEL, 'model.pkl': 'weights-v2 tampered', 'extra.py': 'x' })
    const files = store.files.get('2')!
    files.delete('conda.yaml')
    const error = await failure(
      promote(
        request({
          version: '2',
          stage: 'Staging',
          approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
        }),
        deps
      )
    )
    expect(error.message).toContain(
      `The files of version 2 of 'churn' are not the ones that were approved: approved ${plan.artifact.digest}`
    )
    expect(error.message).toMatch(
      /changed: "model\.pkl"; added: "extra\.py"; removed: "conda\.yaml"/
    )
    expect(error.message).toContain('Nothing was changed in the registry.')
    expect(registry.writes).toEqual([])
    expect(registry.stageOf('2')).toBe('None')
  })

  it('checks the bytes after the approvals, so a refused approval reads no artifact', async () => {
    const { deps, store, registry } = withStore({
      policy: policyFrom(
        'stages: [{name: Staging}, {name: Production, requires_approval: true, min_approvals: 1}]'
      ),
      approvals: []
    })
    registry.versions.get('2')!.stage = 'Staging'
    const plan = await planApproval(request({ version: '2', stage: 'Production' }), deps)
    store.reads = 0
    await failure(
      promote(
        request({
          version: '2',
          stage: 'Production',
          approvedArtifact: { digest: plan.artifact.digest }
        }),
        deps
      )
    )
    expect(store.reads).toBe(0)
    expect(registry.writes).toEqual([])
  })

  it('with approvals in place, a changed file still stops the write', async () => {
    const { deps, store, registry } = withStore({
      policy: policyFrom(
        'stages: [{name: Staging}, {name: Production, requires_approval: true, min_approvals: 1}]'
      ),
      approvals: [approval('alice')]
    })
    registry.versions.get('2')!.stage = 'Staging'
    const plan = await planApproval(request({ version: '2', stage: 'Production' }), deps)
    store.files.get('2')!.set('MLmodel', 'flavors: pyfunc')
    const error = await failure(
      promote(
        request({
          version: '2',
          stage: 'Production',
          approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
        }),
        deps
      )
    )
    expect(error.message).toMatch(/changed: "MLmodel"\./)
    expect(registry.writes).toEqual([])
  })

  it('without the manifest, a refusal says the files cannot be named', async () => {
    const { deps, store, registry } = withStore()
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    store.files.get('2')!.set('model.pkl', 'other')
    const error = await failure(
      promote(
        request({
          version: '2',
          stage: 'Staging',
          approvedArtifact: { digest: plan.artifact.digest }
        }),
        deps
      )
    )
    expect(error.message).toContain(
      'no approved manifest was given, so the files that differ cannot be named'
    )
    expect(registry.writes).toEqual([])
  })

  it('refuses a manifest that does not hash to the approved digest, before reading anything', async () => {
    const { deps, store, registry } = withStore()
    const plan = await planApproval(request({ version: '2', stage: 'Staging' }), deps)
    store.reads = 0
    const forged = plan.manifest.replace(/^[0-9a-f]{64}/, 'f'.repeat(64))
    const error = await failure(
      promote(
        request({
          version: '2',
          stage: 'Staging',
          approvedArtifact: { digest: plan.artifact.digest, manifest: forged }
        }),
        deps
      )
    )
    expect(error.message).toMatch(
      /approved-artifact-manifest.*hashes to sha256:[0-9a-f]{64}, not to/
    )
    expect(store.reads).toBe(0)
    expect(registry.writes).toEqual([])
  })

  it('reads manifests line by line and refuses a malformed line', () => {
    const text = `${'a'.repeat(64)}  dir/with space.bin\n`
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`
    expect(readApprovedManifest({ digest, manifest: text })).toEqual([
      { path: 'dir/with space.bin', sha256: 'a'.repeat(64), size: 0 }
    ])
    const bad = 'not a line\n'
    expect(() =>
      readApprovedManifest({
        digest: `sha256:${createHash('sha256').update(bad).digest('hex')}`,
        manifest: bad
      })
    ).toThrow("line 1 is not '<sha256>  <path>'")
    expect(() => readApprovedManifest({ digest: 'md5:abc' })).toThrow(
      /not sha256:<64 lowercase hex>/
    )
  })
})

describe('approved bytes: rollback', () => {
  /** Version 1 promoted with its digest, then version 2 over it. */
  async function rolledBackSetup(recordDigest = true) {
    const store = new FakeStore()
    for (const v of ['1', '2', '3']) store.put(v, { ...MODEL, 'model.pkl': `weights-v${v}` })
    const v1 = await digestArtifact(store.reader('1'))
    const artifact = { digest: v1.digest, files: v1.files.length, uri: v1.location.uri }
    const { text } = chain([
      event('churn', '1', 'Production', recordDigest ? { artifact } : {}),
      event('churn', '2', 'Production', { previous_version: '1' })
    ])
    const s = setup({ audit: text })
    s.deps.digestVersion = store.digester
    s.registry.versions.get('2')!.stage = 'Production'
    s.registry.versions.get('1')!.stage = 'Archived'
    return { ...s, store, v1 }
  }

  it('validation resolves the version to restore, and its bytes must be those of its own promotion', async () => {
    const { deps, v1, registry } = await rolledBackSetup()
    const plan = await planApproval(request({ stage: 'Production', rollback: true }), deps)
    expect(plan).toMatchObject({ version: '1', current: '2', rollback: true })
    expect(plan.artifact.digest).toBe(v1.digest)
    expect(plan.recorded?.from).toMatch(/^audit line 1 /)
    const summary = approvalPlanSummary(plan)
    expect(summary).toContain(
      'Rollback of stage Production: restores version 1, replacing version 2'
    )
    expect(registry.writes).toEqual([])
  })

  it('validation refuses a rollback whose version was changed since its promotion', async () => {
    const { deps, store, v1 } = await rolledBackSetup()
    store.files.get('1')!.set('model.pkl', 'swapped')
    const error = await failure(
      planApproval(request({ stage: 'Production', rollback: true }), deps)
    )
    expect(error.message).toContain(
      `Cannot roll back to version 1 of 'churn': its files are not the ones it was promoted with. Recorded ${v1.digest} (audit line 1`
    )
  })

  it('without a recorded digest, validation says the digest is of the files as they are now', async () => {
    const { deps } = await rolledBackSetup(false)
    const plan = await planApproval(request({ stage: 'Production', rollback: true }), deps)
    expect(plan.notes).toEqual([
      'No digest was recorded when version 1 was promoted; the digest shown is of its files as they are now.'
    ])
  })

  it('at write time the recorded digest is checked even without an approved one', async () => {
    const { deps, store, registry } = await rolledBackSetup()
    store.files.get('1')!.set('model.pkl', 'swapped')
    const error = await failure(promote(request({ stage: 'Production', rollback: true }), deps))
    expect(error.message).toContain(
      "The files of version 1 of 'churn' are not the ones that were approved"
    )
    expect(registry.writes).toEqual([])
  })

  it('refuses an approved digest other than the one recorded at its promotion', async () => {
    const { deps, registry } = await rolledBackSetup()
    const error = await failure(
      promote(
        request({
          stage: 'Production',
          rollback: true,
          approvedArtifact: { digest: `sha256:${'0'.repeat(64)}` }
        }),
        deps
      )
    )
    expect(error.message).toMatch(/a rollback restores the bytes of its own promotion/)
    expect(registry.writes).toEqual([])
  })

  it('refuses when the log now names another version than the reviewers approved restoring', async () => {
    const { deps, registry } = await rolledBackSetup()
    const error = await failure(
      promote(request({ stage: 'Production', rollback: true, rollbackVersion: '3' }), deps)
    )
    expect(error.message).toContain(
      'would now restore version 1 (from the audit log), but the reviewers approved restoring version 3 (rollback-version)'
    )
    expect(error.message).toContain('Nothing was changed in the registry.')
    expect(registry.writes).toEqual([])
  })

  it('restores the approved version with its own digest, recorded in the tag', async () => {
    const { deps, registry, v1 } = await rolledBackSetup()
    const result = await promote(
      request({ stage: 'Production', rollback: true, rollbackVersion: '1' }),
      deps
    )
    expect(result).toMatchObject({ version: '1', rollback: true, changed: true })
    expect(registry.versions.get('1')!.tags.get(ARTIFACT_DIGEST_TAG)).toBe(v1.digest)
  })
})

describe('approved bytes: a rollback without an audit log', () => {
  it("takes the digest from the restored version's tag, and refuses files that no longer match it", async () => {
    const store = new FakeStore()
    for (const v of ['1', '2']) store.put(v, { ...MODEL, 'model.pkl': `weights-v${v}` })
    const v1 = await digestArtifact(store.reader('1'))
    const s = setup()
    s.deps.digestVersion = store.digester
    s.registry.versions.get('2')!.stage = 'Production'
    s.registry.versions.get('2')!.tags.set('mg.previous.stage.Production', '1')
    s.registry.versions.get('1')!.tags.set(ARTIFACT_DIGEST_TAG, v1.digest)
    const plan = await planApproval(request({ stage: 'Production', rollback: true }), s.deps)
    expect(plan.recorded).toMatchObject({
      digest: v1.digest,
      from: `the version's tag ${ARTIFACT_DIGEST_TAG}`
    })
    store.files.get('1')!.set('model.pkl', 'swapped')
    await expect(
      planApproval(request({ stage: 'Production', rollback: true }), s.deps)
    ).rejects.toThrow(/its files are not the ones it was promoted with/)
  })

  it('an audit entry without a digest is not topped up from the tag', async () => {
    const store = new FakeStore()
    for (const v of ['1', '2']) store.put(v, { ...MODEL, 'model.pkl': `weights-v${v}` })
    const { text } = chain([
      event('churn', '1', 'Production'),
      event('churn', '2', 'Production', { previous_version: '1' })
    ])
    const s = setup({ audit: text })
    s.deps.digestVersion = store.digester
    s.registry.versions.get('2')!.stage = 'Production'
    s.registry.versions.get('1')!.tags.set(ARTIFACT_DIGEST_TAG, `sha256:${'1'.repeat(64)}`)
    const plan = await planApproval(request({ stage: 'Production', rollback: true }), s.deps)
    expect(plan.recorded).toBeUndefined()
    expect(plan.notes[0]).toMatch(/No digest was recorded when version 1 was promoted/)
  })
})

describe('approved bytes: dry runs', () => {
  it("a rollback's dry run does not read the files unless an approved digest is given", async () => {
    const store = new FakeStore()
    for (const v of ['1', '2']) store.put(v, { ...MODEL, 'model.pkl': `weights-v${v}` })
    const v1 = await digestArtifact(store.reader('1'))
    const artifact = { digest: v1.digest, files: v1.files.length, uri: v1.location.uri }
    const { text } = chain([
      event('churn', '1', 'Production', { artifact }),
      event('churn', '2', 'Production', { previous_version: '1' })
    ])
    const s = setup({ audit: text })
    s.deps.digestVersion = store.digester
    s.registry.versions.get('2')!.stage = 'Production'
    store.reads = 0
    await promote(request({ stage: 'Production', rollback: true, dryRun: true }), s.deps)
    expect(store.reads).toBe(0)
    store.files.get('1')!.set('model.pkl', 'swapped')
    await expect(
      promote(
        request({
          stage: 'Production',
          rollback: true,
          dryRun: true,
          approvedArtifact: { digest: v1.digest }
        }),
        s.deps
      )
    ).rejects.toThrow(/are not the ones that were approved/)
    expect(s.registry.writes).toEqual([])
  })
})
