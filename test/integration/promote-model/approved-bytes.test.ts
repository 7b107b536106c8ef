import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { versionDigester } from '../../../actions/common/artifact-digest.js'
import { ARTIFACT_DIGEST_TAG, manifestDigest } from '../../../src/artifacts/index.js'
import { buildEntry } from '../../../src/audit/build-entry.js'
import { formatLine, GENESIS_PREV, sha256Hex, type EntryFields } from '../../../src/audit/format.js'
import { planApproval, promote } from '../../../src/promotion/index.js'
import { artifactRecord } from '../../../src/promotion/approved-artifact.js'
import { dumpModel, runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { everyLineBacked, trailOf } from '../../harness/audit-trail.js'
import { deps, failure, realClient, request, RUN, type DumpedModel } from './helpers.js'

interface Logged {
  name: string
  version: string
  run_id: string
  source: string
  files: Record<string, string>
}

/**
 * The approved bytes against the real MLflow server (proxied store, files on the server's
 * artifact root on disk): a version logged with mlflow.sklearn.log_model and registered from
 * runs:/<run>/model is digested in validation, promoted with the digest checked again and
 * recorded (tag and audit entry); one byte changed in the store after validation makes the
 * write refuse, naming the file, with the registry unchanged as MLflow's own client reads it.
 */
describe('approved bytes against the real MLflow server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const name = uniqueName('pm-bytes')
  // The harness's server stores proxied artifacts under <its folder>/artifacts.
  const root = path.join(path.dirname(mlflow.log), 'artifacts')
  const work = mkdtempSync(path.join(os.tmpdir(), 'approved-bytes-'))
  let versions: Logged[]
  /** The audit entries of the promotions these tests made, in order. */
  const entries: EntryFields[] = []

  /** The entries chained into AUDIT.log bytes, exactly as audit-log writes them. */
  function auditLog(): string {
    let prev = GENESIS_PREV
    return entries
      .map((fields, i) => {
        const line = formatLine(fields, i + 1, prev)
        prev = sha256Hex(line)
        return `${line}\n`
      })
      .join('')
  }

  const promotionDeps = () => ({ ...deps(client), digestVersion: versionDigester(client, {}) })

  beforeAll(() => {
    versions = runPythonJson<Logged[]>(
      'sklearn_version.py',
      [mlflow.uri, 'approved-bytes-tests', name, '2', work],
      { timeoutMs: 240_000 }
    )
  }, 250_000)
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true })
    await client.http.close()
  })

  /** The file on the server's disk that a proxied artifact URI names. */
  function onDisk(uri: string, file: string): string {
    const match = /^mlflow-artifacts:\/+(.*)$/.exec(uri)
    expect(match).not.toBeNull()
    const full = path.join(root, match![1]!, file)
    expect(existsSync(full)).toBe(true)
    return full
  }

  it('digests the version in validation, checks it again at the write and records it in the tag and the entry', async () => {
    const v1 = versions[0]!
    expect(v1.source).toBe(`runs:/${v1.run_id}/model`)
    const d = promotionDeps()
    const plan = await planApproval(request(name, { version: v1.version, stage: 'Staging' }), d)
    // The bytes MLflow's own client downloads for models:/<name>/<version>, file by file.
    expect(Object.fromEntries(plan.artifact.files.map(f => [f.path, f.sha256]))).toEqual(v1.files)
    expect(plan.artifact.digest).toBe(
      manifestDigest(Object.entries(v1.files).map(([p, sha256]) => ({ path: p, sha256 })))
    )
    expect(plan.artifact.location.via).toMatch(/logged model m-/)
    const result = await promote(
      request(name, {
        version: v1.version,
        stage: 'Staging',
        approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
      }),
      d
    )
    expect(result.changed).toBe(true)
    expect(result.artifact?.digest).toBe(plan.artifact.digest)
    const dumped = dumpModel(mlflow.uri, name) as DumpedModel
    const version = dumped.versions.find(v => v.version === v1.version)!
    expect(version.stage).toBe('Staging')
    expect(version.tags[ARTIFACT_DIGEST_TAG]).toBe(plan.artifact.digest)
    const entry = buildEntry(
      {
        event: 'promote',
        model: name,
        version: v1.version,
        to: 'Staging',
        artifact: JSON.stringify(artifactRecord(result.artifact!))
      },
      RUN,
      [],
      '',
      Date.now()
    )
    entries.push(entry.fields)
    const line = JSON.parse(formatLine(entry.fields, 1, GENESIS_PREV)) as Record<string, unknown>
    expect(line.artifact).toEqual({
      digest: plan.artifact.digest,
      files: Object.keys(v1.files).length,
      uri: plan.artifact.location.uri
    })
  }, 120_000)

  it('one byte changed in the store after validation: the write is refused, naming the file, and the registry is unchanged', async () => {
    const v2 = versions[1]!
    const d = promotionDeps()
    const plan = await planApproval(request(name, { version: v2.version, stage: 'Staging' }), d)
    // MLflow 3 serialises sklearn with skops (model.skops); earlier releases wrote model.pkl.
    const pkl = plan.artifact.files.find(f => /^model\.(skops|pkl)$/.test(f.path))!
    expect(pkl).toBeDefined()
    const file = onDisk(plan.artifact.location.uri, pkl.path)
    const bytes = readFileSync(file)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
    writeFileSync(file, bytes)
    const before = dumpModel(mlflow.uri, name)
    const error = await failure(
      promote(
        request(name, {
          version: v2.version,
          stage: 'Staging',
          approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
        }),
        d
      )
    )
    expect(error.message).toContain(
      `The files of version ${v2.version} of '${name}' are not the ones that were approved: approved ${plan.artifact.digest}`
    )
    expect(error.message).toContain(`changed: ${JSON.stringify(pkl.path)}.`)
    expect(error.message).not.toMatch(/added:|removed:/)
    expect(error.message).toContain('Nothing was changed in the registry.')
    expect(dumpModel(mlflow.uri, name)).toEqual(before)
  }, 120_000)

  it('a rollback is resolved in validation with the digest of its own promotion; a byte changed since refuses the write', async () => {
    const [v1, v2] = versions as [Logged, Logged]
    expect(entries).toHaveLength(1)
    // Version 2 takes Staging (no digest checked), so a rollback gives it back to version 1.
    await promote(request(name, { version: v2.version, stage: 'Staging' }), promotionDeps())
    entries.push(
      buildEntry(
        {
          event: 'promote',
          model: name,
          version: v2.version,
          to: 'Staging',
          previousVersion: v1.version
        },
        RUN,
        [],
        '',
        Date.now()
      ).fields
    )
    const d = {
      ...promotionDeps(),
      readAuditTrail: () => trailOf(auditLog(), { github: everyLineBacked })
    }
    const plan = await planApproval(request(name, { stage: 'Staging', rollback: true }), d)
    expect(plan).toMatchObject({ version: v1.version, current: v2.version, rollback: true })
    expect(plan.recorded?.digest).toBe(plan.artifact.digest)
    expect(plan.recorded?.from).toMatch(/^audit line 1 /)
    const model = plan.artifact.files.find(f => f.path === 'MLmodel')!
    const file = onDisk(plan.artifact.location.uri, model.path)
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`)
    const before = dumpModel(mlflow.uri, name)
    const error = await failure(
      promote(
        request(name, {
          stage: 'Staging',
          rollback: true,
          rollbackVersion: plan.version,
          approvedArtifact: { digest: plan.artifact.digest, manifest: plan.manifest }
        }),
        d
      )
    )
    expect(error.message).toContain(
      `The files of version ${v1.version} of '${name}' are not the ones that were approved`
    )
    expect(error.message).toContain('changed: "MLmodel".')
    expect(dumpModel(mlflow.uri, name)).toEqual(before)
  }, 120_000)
})
