import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  digestArtifact,
  locateUri,
  modelSigningSubjectDigest,
  openReader,
  type ArtifactDigest
} from '../../../src/artifacts/index.js'
import { VENV_BIN } from '../../harness/paths.js'
import { runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { realClient } from '../registration/helpers.js'

interface Statement {
  subject: { name: string; digest: { sha256: string } }[]
  predicateType: string
  predicate: {
    serialization: { method: string; hash_type: string }
    resources: { name: string; algorithm: string; digest: string }[]
  }
}

/**
 * Signs a folder with OpenSSF model-signing 1.1.1's own CLI (offline, an EC P-256 key) and
 * returns the in-toto statement inside its DSSE envelope: the tool's per-file digests.
 */
function signWithModelSigning(folder: string, work: string): Statement {
  const key = path.join(work, 'key.pem')
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  // SEC1 PEM, what `openssl ecparam -name prime256v1 -genkey -noout` writes.
  writeFileSync(key, privateKey.export({ type: 'sec1', format: 'pem' }))
  const signature = path.join(work, `${path.basename(folder)}.sig.json`)
  const run = spawnSync(
    path.join(VENV_BIN, 'model_signing'),
    ['sign', 'key', '--private_key', key, '--signature', signature, folder],
    { encoding: 'utf8', timeout: 120_000 }
  )
  if (run.status !== 0) throw new Error(`model_signing failed: ${run.stderr}${run.stdout}`)
  const bundle = JSON.parse(readFileSync(signature, 'utf8')) as {
    dsseEnvelope: { payload: string; payloadType: string }
  }
  expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json')
  return JSON.parse(
    Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')
  ) as Statement
}

/**
 * The differential proof that the approved digest's per-file digests are OpenSSF model-signing's:
 * the same folders are logged to the real server (proxied store) and signed by the tool; the
 * suite's digest, read back through the store, must list the same files with the same sha256.
 */
describe("digestArtifact's per-file digests equal OpenSSF model-signing 1.1.1's", () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  // The client's keep-alive connections would hold jest open after the file.
  afterAll(() => client.http.close())
  const work = mkdtempSync(path.join(os.tmpdir(), 'model-signing-'))
  const modelDir = path.join(work, 'model')
  const odd = path.join(work, 'odd')
  let runId: string

  beforeAll(() => {
    // Nested folders, an empty file, unicode names, and paths whose segment order differs from
    // their byte order ('a.b' against 'a/b'), which decides model-signing's subject digest.
    for (const dir of ['a/b', 'deep/er/est', 'ünï'])
      mkdirSync(path.join(odd, dir), { recursive: true })
    writeFileSync(path.join(odd, 'a.b'), 'dot\n')
    writeFileSync(path.join(odd, 'a', 'b', 'c.bin'), Buffer.alloc(70_000, 7))
    writeFileSync(path.join(odd, 'empty'), '')
    writeFileSync(path.join(odd, 'deep', 'er', 'est', 'weights.npy'), Buffer.from([0, 1, 2, 255]))
    writeFileSync(path.join(odd, 'ünï', 'módèl 名前.txt'), 'unicode\n')
    runId = runPythonJson<{ run_id: string }>(
      'model_folder.py',
      [mlflow.uri, uniqueName('model-signing'), modelDir, `odd=${odd}`],
      { timeoutMs: 280_000 }
    ).run_id
  }, 300_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  async function ours(artifactPath: string): Promise<ArtifactDigest> {
    const location = await locateUri(client, `runs:/${runId}/${artifactPath}`)
    return digestArtifact(await openReader(location, { mlflow: client, env: {} }))
  }

  function compare(statement: Statement, digest: ArtifactDigest): void {
    expect(statement.predicateType).toBe('https://model_signing/signature/v1.0')
    expect(statement.predicate.serialization).toMatchObject({
      method: 'files',
      hash_type: 'sha256'
    })
    const theirs = statement.predicate.resources.map(r => {
      expect(r.algorithm).toBe('sha256')
      return [r.name, r.digest]
    })
    expect(Object.fromEntries(digest.files.map(f => [f.path, f.sha256]))).toEqual(
      Object.fromEntries(theirs)
    )
    expect(digest.files).toHaveLength(theirs.length)
    expect(modelSigningSubjectDigest(digest.files)).toBe(statement.subject[0]!.digest.sha256)
  }

  it('an MLflow model folder (mlflow.sklearn.save_model, logged with log_artifacts)', async () => {
    const digest = await ours('model')
    expect(digest.files.map(f => f.path)).toEqual(
      expect.arrayContaining(['MLmodel', 'model.skops'])
    )
    compare(signWithModelSigning(modelDir, work), digest)
  })

  it('a folder with nested folders, an empty file and unicode names', async () => {
    const digest = await ours('odd')
    expect(digest.files.map(f => f.path).sort()).toEqual(
      ['a.b', 'a/b/c.bin', 'deep/er/est/weights.npy', 'empty', 'ünï/módèl 名前.txt'].sort()
    )
    expect(digest.files.find(f => f.path === 'empty')?.sha256).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
    compare(signWithModelSigning(odd, work), digest)
  })

  it("one changed byte changes model-signing's digest of that file only", async () => {
    const before = await ours('odd')
    const copy = path.join(work, 'odd-changed')
    spawnSync('cp', ['-r', odd, copy])
    const file = path.join(copy, 'a', 'b', 'c.bin')
    const bytes = readFileSync(file)
    bytes[123] = bytes[123]! ^ 1
    writeFileSync(file, bytes)
    const theirs = signWithModelSigning(copy, work).predicate.resources
    const changed = theirs.filter(
      r => before.files.find(f => f.path === r.name)?.sha256 !== r.digest
    )
    expect(changed.map(r => r.name)).toEqual(['a/b/c.bin'])
  })
})
