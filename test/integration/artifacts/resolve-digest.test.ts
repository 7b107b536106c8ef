import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
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
import { checkMlflowLink } from '../../../src/dvc/mlflow-link.js'
import { createGitRunner } from '../../../src/git/git.js'
import { fetchGoverned, resolveTarget } from '../../../src/serving/index.js'
import { runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { BOTH_POLICY, chain, event } from '../../harness/reconcile-helpers.js'
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
  // The client's keep-alive connections would hold jest open after the file.
  afterAll(() => client.http.close())
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

  it("lineage-check's artifact check finds the logged model's files at once (not the run's empty folder)", async () => {
    const mv = await client.getModelVersion(name, version)
    const location = await locateArtifact(client, mv)
    const reader = await openReader(location, { mlflow: client, env: {} })
    const skops = (await reader.list()).files.find(f => f.relpath === 'model.skops')!
    const md5 = await reader.read(skops, async body => {
      const hash = createHash('md5')
      for await (const chunk of body) hash.update(chunk)
      return hash.digest('hex')
    })
    const started = Date.now()
    const result = await checkMlflowLink({
      client,
      git: createGitRunner(new MemoryLogger(), os.tmpdir()),
      root: os.tmpdir(),
      gitPrefix: '',
      head: '',
      model: {
        path: 'models/model.skops',
        source: 'model-path',
        md5,
        legacy: false,
        dataSources: [],
        problems: []
      },
      modelName: name,
      version,
      verifyArtifact: true,
      logger: new MemoryLogger()
    })
    expect(result.artifactMd5).toBe(md5)
    expect(result.artifactCompared).toMatch(
      /^file 'model.skops' inside the registered artifact directory 'mlflow-artifacts:\/.*\/models\/m-[0-9a-f]+\/artifacts'/
    )
    expect(result.problems.filter(p => /artifact/.test(p))).toEqual([])
    // Before, the run's empty artifacts/model folder was listed and retried for 29 s.
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
