import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { openGcsReader } from '../../../src/artifacts/stores/gcs.js'
import { STORE_READERS } from '../../../src/artifacts/stores/index.js'
import { runPythonJson } from '../../harness/python.js'
import { startGcsEmulator } from '../../harness/stores.js'
import {
  digestAndCompare,
  inDestination,
  locationOf,
  sklearnVersions,
  loggedModelUri,
  startRig,
  stopRig
} from './store-fixture.js'
import { governedFlowTests } from './governed-cases.js'
import type { StoreRig } from './store-fixture.js'

// A GCS bucket (gcp-storage-emulator) behind MLflow, direct (gs:// URIs) and proxied.
let rig: StoreRig | undefined
beforeAll(async () => {
  rig = await startRig('gcs', startGcsEmulator, bucket => `gs://${bucket}`)
}, 300_000)
afterAll(() => stopRig(rig), 60_000)

const MODEL_FILES = ['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt']

describe('GCS (gcp-storage-emulator) behind real MLflow servers', () => {
  test('direct (--default-artifact-root gs://…): a sklearn log_model version digests as google-cloud-storage reads it', async () => {
    const { direct, env, directRoot } = rig!
    const logged = sklearnVersions(direct, env).clean
    const uri = await loggedModelUri(direct, logged.model_id)
    expect(uri.startsWith(`${directRoot}/`)).toBe(true)
    expect(uri).toMatch(/\/models\/m-[0-9a-f]+\/artifacts$/)
    const reader = await openGcsReader(locationOf(uri, 'gs'), env)
    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(
      expect.arrayContaining([...MODEL_FILES, expect.stringMatching(/^model\.(skops|pkl)$/)])
    )
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('proxied (--artifacts-destination gs://…): the bytes the server wrote digest as google-cloud-storage reads them', async () => {
    const { proxied, env, proxiedRoot } = rig!
    const logged = sklearnVersions(proxied, env).clean
    const uri = await loggedModelUri(proxied, logged.model_id)
    expect(uri).toMatch(/^mlflow-artifacts:/)
    const reader = await STORE_READERS.gs(locationOf(inDestination(uri, proxiedRoot), 'gs'), env)
    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(MODEL_FILES))
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('a single object lists as one file; a large one is read in ranges pinned to its generation', async () => {
    const { env, directRoot } = rig!
    const uri = `${directRoot}/single/weights.bin`
    runPythonJson('store_ops.py', ['put', uri, 'w'.repeat(100_000)], { env })
    // Small parts, so the ranged path runs on a small object.
    const reader = await openGcsReader(locationOf(uri, 'gs'), env, {
      rangedThreshold: 1,
      ranged: { partSize: 16 * 1024, concurrency: 3 }
    })
    const { ours, theirs } = await digestAndCompare(reader, env)
    expect((await reader.list()).kind).toBe('file')
    expect(Object.keys(ours)).toEqual(['weights.bin'])
    expect(ours).toEqual(theirs)
  })

  test('a missing artifact is named as missing', async () => {
    const { env, directRoot } = rig!
    const reader = await openGcsReader(locationOf(`${directRoot}/nothing-here`, 'gs'), env)
    await expect(reader.list()).rejects.toThrow(/does not exist on GCS/)
  })

  governedFlowTests(() => rig!, 'store')
})
