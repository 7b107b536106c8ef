import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  digestArtifact,
  locateArtifact,
  locateUri,
  manifestDigest,
  openReader
} from '../../../src/artifacts/index.js'
import { runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { realClient } from '../registration/helpers.js'

interface Pattern {
  name: string
  version: string
  source: string
  run_id: string
  kind: 'file' | 'dir'
  files: Record<string, string>
}
type Patterns = Record<
  'sklearn_runs' | 'sklearn_register' | 'logged_model' | 'folder' | 'saved_model' | 'single_file',
  Pattern
>

/**
 * Each way people log and register a model, against the real server (proxied store): the suite
 * locates, lists and digests the version's files, and must find exactly the files, with exactly
 * the bytes, that MLflow's own client downloads for `models:/<name>/<version>`.
 */
describe('locating a version as MLflow does, against the real server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  // The client's keep-alive connections would hold jest open after the file.
  afterAll(() => client.http.close())
  const work = mkdtempSync(path.join(os.tmpdir(), 'artifact-patterns-'))
  let patterns: Patterns

  beforeAll(() => {
    patterns = runPythonJson<Patterns>(
      'artifact_patterns.py',
      [mlflow.uri, uniqueName('artifact-patterns'), uniqueName('ap'), work],
      { timeoutMs: 240_000 }
    )
  }, 250_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  const expectedDigest = (p: Pattern): string =>
    manifestDigest(Object.entries(p.files).map(([path, sha256]) => ({ path, sha256 })))

  async function check(key: keyof Patterns): Promise<string> {
    const p = patterns[key]
    const mv = await client.getModelVersion(p.name, p.version)
    const location = await locateArtifact(client, mv)
    const reader = await openReader(location, { mlflow: client, env: {} })
    const listing = await reader.list()
    expect(listing.kind).toBe(p.kind)
    expect(listing.files.map(f => f.relpath).sort()).toEqual(Object.keys(p.files).sort())
    const digest = await digestArtifact(reader)
    expect(Object.fromEntries(digest.files.map(f => [f.path, f.sha256]))).toEqual(p.files)
    expect(digest.digest).toBe(expectedDigest(p))
    return location.via
  }

  it('sklearn log_model registered from runs:/<run>/model: the logged model, not the empty run folder', async () => {
    const p = patterns.sklearn_runs
    expect(p.source).toBe(`runs:/${p.run_id}/model`)
    expect(Object.keys(p.files)).toEqual(expect.arrayContaining(['MLmodel', 'requirements.txt']))
    const via = await check('sklearn_runs')
    expect(via).toMatch(/logged model m-[0-9a-f]+ of run/)
    // MLflow 3 leaves the run's own `model` folder empty: the old lookup listed nothing there.
    expect(await client.listRunArtifacts(p.run_id, 'model')).toEqual([])
  })

  it('sklearn log_model registered with mlflow.register_model (source models:/m-<id>)', async () => {
    expect(patterns.sklearn_register.source).toMatch(/^models:\/m-[0-9a-f]+$/)
    await check('sklearn_register')
  })

  it('log_model with registered_model_name (source models:/m-<id>)', async () => {
    expect(patterns.logged_model.source).toMatch(/^models:\/m-[0-9a-f]+$/)
    await check('logged_model')
  })

  it('log_artifacts of a folder with nested folders, an empty file and a unicode name', async () => {
    const p = patterns.folder
    expect(Object.keys(p.files).sort()).toEqual(
      ['MLmodel.txt', 'empty.bin', 'weights/modèle-é.txt', 'weights/shards/part-0.bin'].sort()
    )
    await check('folder')
  })

  it('a saved model folder registered with mlflow.register_model (source mlflow-artifacts:/…)', async () => {
    expect(patterns.saved_model.source).toMatch(/^mlflow-artifacts:\//)
    await check('saved_model')
  })

  it('log_artifact of one file registered from runs:/<run>/model.pkl: one file', async () => {
    await check('single_file')
  })

  it('models:/<name>/<version>, models:/<name>@alias and models:/m-<id> resolve to the same files', async () => {
    const p = patterns.sklearn_register
    const direct = await locateArtifact(client, await client.getModelVersion(p.name, p.version))
    await client.setAlias(p.name, 'champion', p.version)
    for (const uri of [
      `models:/${p.name}/${p.version}`,
      `models:/${p.name}@champion`,
      `models:/${p.name}/latest`,
      p.source
    ]) {
      const located = await locateUri(client, uri)
      expect(located.uri).toBe(direct.uri)
      expect(located.scheme).toBe('mlflow-artifacts')
    }
  })

  it('a runs:/ path that is neither a logged model nor a run folder is refused, naming the path', async () => {
    const p = patterns.folder
    const location = await locateUri(client, `runs:/${p.run_id}/missing`)
    const reader = await openReader(location, { mlflow: client, env: {} })
    await expect(reader.list()).rejects.toThrow(/runs:\/.*\/missing.*does not exist/)
  })
})
