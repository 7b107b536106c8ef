import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { openS3Reader } from '../../../src/artifacts/stores/s3.js'
import { STORE_READERS } from '../../../src/artifacts/stores/index.js'
import { runPythonJson } from '../../harness/python.js'
import { startMoto } from '../../harness/stores.js'
import { governedFlowTests } from './governed-cases.js'
import {
  digestAndCompare,
  inDestination,
  locationOf,
  sklearnVersions,
  loggedModelUri,
  pythonHashes,
  startRig,
  stopRig
} from './store-fixture.js'
import type { StoreRig } from './store-fixture.js'

// The seed's setup: a bucket behind MLflow, read directly (s3:// URIs) and through the proxy.
let rig: StoreRig | undefined
beforeAll(async () => {
  rig = await startRig('s3', startMoto, bucket => `s3://${bucket}`)
}, 300_000)
afterAll(() => stopRig(rig), 60_000)

const MODEL_FILES = ['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt']

describe('S3 (moto server) behind real MLflow servers', () => {
  test('direct (--default-artifact-root s3://… --no-serve-artifacts): a sklearn log_model version is listed and digested as boto3 reads it', async () => {
    const { direct, env, directRoot } = rig!
    const logged = sklearnVersions(direct, env).clean
    const uri = await loggedModelUri(direct, logged.model_id)
    // MLflow 3: the files are under the logged model, not the run's artifacts/model.
    expect(uri).toBe(logged.logged_model_artifact_uri)
    expect(uri.startsWith(`${directRoot}/`)).toBe(true)
    expect(uri).toMatch(/\/models\/m-[0-9a-f]+\/artifacts$/)
    expect(pythonHashes(`${logged.run_artifact_uri}/model`, env)).toEqual({})

    const reader = await openS3Reader(locationOf(uri, 's3'), env)
    const listing = await reader.list()
    expect(listing.kind).toBe('dir')
    const names = listing.files.map(f => f.relpath)
    expect(names).toEqual(
      expect.arrayContaining([...MODEL_FILES, expect.stringMatching(/^model\.(skops|pkl)$/)])
    )

    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(theirs).sort()).toEqual([...names].sort())
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('proxied (--serve-artifacts --artifacts-destination s3://…): the bytes the server wrote to the bucket digest as boto3 reads them', async () => {
    const { proxied, env, proxiedRoot } = rig!
    const logged = sklearnVersions(proxied, env).clean
    const uri = await loggedModelUri(proxied, logged.model_id)
    expect(uri).toMatch(/^mlflow-artifacts:/)
    const reader = await STORE_READERS.s3(locationOf(inDestination(uri, proxiedRoot), 's3'), env)
    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(MODEL_FILES))
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('a single-object artifact lists as one file named by its key; a changed byte changes its digest', async () => {
    const { env, directRoot } = rig!
    const uri = `${directRoot}/single/model.pkl`
    runPythonJson('store_ops.py', ['put', uri, 'pickled bytes'], { env })
    const reader = await openS3Reader(locationOf(uri, 's3'), env)
    const before = await digestAndCompare(reader, env)
    expect((await reader.list()).kind).toBe('file')
    expect(Object.keys(before.ours)).toEqual(['model.pkl'])
    expect(before.ours).toEqual(before.theirs)
    runPythonJson('store_ops.py', ['put', uri, 'pickled bytez'], { env })
    const after = await digestAndCompare(reader, env)
    expect(after.digest).not.toBe(before.digest)
    expect(after.ours).toEqual(after.theirs)
  })

  test.each([
    [
      'climbs out of the artifact',
      'a/../../escape.txt',
      /'a\/\.\.\/\.\.\/escape\.txt', which is not a plain relative path/
    ],
    ['holds an ANSI escape', 'esc\u001b[31mred.txt', /'esc \[31mred\.txt', which is not a plain/],
    ['holds a backslash', 'back\\..\\slash', /which is not a plain relative path/],
    ['has an empty segment', 'a//b', /'a\/\/b', which is not a plain relative path/]
  ])(
    'a key in the bucket that %s refuses the whole listing before any read',
    async (_what, key, message) => {
      const { env, directRoot } = rig!
      const folder = `${directRoot}/hostile-${Math.random().toString(36).slice(2, 8)}`
      runPythonJson('store_ops.py', ['put', `${folder}/ok.txt`, 'fine'], { env })
      runPythonJson('store_ops.py', ['put', `${folder}/${key}`, 'x'], { env })
      const reader = await openS3Reader(locationOf(folder, 's3'), env)
      await expect(reader.list()).rejects.toThrow(/listing of .* is refused/)
      await expect(reader.list()).rejects.toThrow(message)
    }
  )

  test('credentials come from the environment as a runner has them; wrong keys are named as the problem', async () => {
    const { env, directRoot } = rig!
    // After aws-actions/configure-aws-credentials (OIDC included): short-lived keys, a session
    // token and the region, in the environment. moto accepts any key, so a missing bucket proves
    // the request was signed and sent with them.
    const runner = {
      MLFLOW_S3_ENDPOINT_URL: env.MLFLOW_S3_ENDPOINT_URL!,
      AWS_ACCESS_KEY_ID: 'ASIATESTRUNNER',
      AWS_SECRET_ACCESS_KEY: 'runner-secret',
      AWS_SESSION_TOKEN: 'runner-session-token',
      AWS_REGION: 'eu-west-1'
    }
    const reader = await openS3Reader(locationOf(`${directRoot}/single/model.pkl`, 's3'), runner)
    expect((await reader.list()).files.map(f => f.relpath)).toEqual(['model.pkl'])
    const missing = await openS3Reader(locationOf('s3://no-such-bucket-mg/x', 's3'), runner)
    await expect(missing.list()).rejects.toThrow(
      /Could not list 's3:\/\/no-such-bucket-mg\/x' on S3: NoSuchBucket/
    )
  })

  governedFlowTests(() => rig!, 'bucket')
})
