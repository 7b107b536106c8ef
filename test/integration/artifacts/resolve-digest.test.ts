import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  digestArtifact,
  locateArtifact,
  openReader,
  proxyPath
} from '../../../src/artifacts/index.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { fetchGoverned, resolveTarget } from '../../../src/serving/index.js'
import { runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { BOTH_POLICY, chain, event } from '../../unit/reconcile/helpers.js'
import { realClient } from '../registration/helpers.js'

/**
 * resolve --download of the most common pattern (sklearn log_model, registered from
 * runs:/<run>/model), against the real server's proxied store: verified against the approved
 * digest the trail recorded, and refused with an empty target folder after one byte of one
 * artifact file changed in the store.
 */
describe('resolve --download verifies the approved digest, against the real server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const artifactStore = path.join(path.dirname(mlflow.log), 'artifacts')
  const name = uniqueName('rd-sklearn')
  let version: string

  beforeAll(async () => {
    version = runPythonJson<{ version: string }>(
      'log_model_version.py',
      [mlflow.uri, uniqueName('rd'), name],
      { timeoutMs: 280_000 }
    ).version
    await client.transitionStage(name, version, 'Production', false)
  }, 300_000)

  async function resolved(digest: string) {
    const mv = await client.getModelVersion(name, version)
    const entries = chain([
      event(name, version, 'Production', {
        lineage: {
          lock_sha256: '1'.repeat(64),
          model_md5: `${'a'.repeat(32)}.dir`,
          verified: true
        },
        artifact: { digest, files: 5, uri: (await locateArtifact(client, mv)).uri }
      })
    ]).entries
    return resolveTarget(
      { registry: client, policyFor: () => BOTH_POLICY, entries },
      name,
      'Production'
    )
  }

  it('lands the logged model verified, then refuses one changed byte with DIR left empty', async () => {
    const mv = await client.getModelVersion(name, version)
    const location = await locateArtifact(client, mv)
    expect(location.via).toMatch(/logged model m-[0-9a-f]+ of run/)
    const approved = await digestArtifact(await openReader(location, { mlflow: client, env: {} }))
    const result = await resolved(approved.digest)
    expect(result.approved?.digest).toBe(approved.digest)

    const parent = mkdtempSync(path.join(os.tmpdir(), 'rd-'))
    const dir = path.join(parent, 'current')
    const landed = await fetchGoverned(client, result, dir, { logger: new MemoryLogger() })
    expect(landed).toMatchObject({ md5: approved.digest, digest: approved.digest, seq: 1 })
    expect(readdirSync(dir).sort()).toEqual(approved.files.map(f => f.path).sort())
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['MLmodel', 'model.skops']))

    // One byte of one artifact file, changed in the store on disk (the bucket, after promotion).
    const file = path.join(artifactStore, ...proxyPath(location, mlflow.uri).split('/'), 'MLmodel')
    const bytes = readFileSync(file)
    bytes[0] = bytes[0]! ^ 1
    writeFileSync(file, bytes)
    const target = path.join(parent, 'next')
    await expect(
      fetchGoverned(client, result, target, { logger: new MemoryLogger() })
    ).rejects.toThrow(
      /not the one the audit trail approved: the approved digest .* the audit trail recorded sha256:/
    )
    expect(readdirSync(parent).sort()).toEqual(['current'])
  })
})
