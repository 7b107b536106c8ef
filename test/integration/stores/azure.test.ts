import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { openAzureReader } from '../../../src/artifacts/stores/azure.js'
import { STORE_READERS } from '../../../src/artifacts/stores/index.js'
import { runPythonJson } from '../../harness/python.js'
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from '../../harness/stores.js'
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

// An Azure Blob container (Azurite) behind MLflow, direct (wasbs:// URIs) and proxied.
let rig: StoreRig | undefined
beforeAll(async () => {
  rig = await startRig(
    'azure',
    startAzurite,
    container => `wasbs://${container}@${AZURITE_ACCOUNT}.blob.core.windows.net`
  )
}, 300_000)
afterAll(() => stopRig(rig), 60_000)

const MODEL_FILES = ['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt']

describe('Azure Blob (Azurite) behind real MLflow servers', () => {
  test('direct (--default-artifact-root wasbs://…): a sklearn log_model version digests as azure-storage-blob reads it', async () => {
    const { direct, env, directRoot } = rig!
    const logged = sklearnVersions(direct, env).clean
    const uri = await loggedModelUri(direct, logged.model_id)
    expect(uri.startsWith(`${directRoot}/`)).toBe(true)
    expect(uri).toMatch(/\/models\/m-[0-9a-f]+\/artifacts$/)
    const reader = await openAzureReader(locationOf(uri, 'wasbs'), env)
    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(
      expect.arrayContaining([...MODEL_FILES, expect.stringMatching(/^model\.(skops|pkl)$/)])
    )
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('proxied (--artifacts-destination wasbs://…): the bytes the server wrote digest as azure-storage-blob reads them', async () => {
    const { proxied, env, proxiedRoot } = rig!
    const logged = sklearnVersions(proxied, env).clean
    const uri = await loggedModelUri(proxied, logged.model_id)
    expect(uri).toMatch(/^mlflow-artifacts:/)
    const reader = await STORE_READERS.wasbs(
      locationOf(inDestination(uri, proxiedRoot), 'wasbs'),
      env
    )
    const { ours, theirs, digest, expected } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(MODEL_FILES))
    expect(ours).toEqual(theirs)
    expect(digest).toBe(expected)
  }, 400_000)

  test('a large single blob is read in ranges conditional on its ETag; a blob changed between listing and read fails the read', async () => {
    const { env, directRoot } = rig!
    const uri = `${directRoot}/single/weights.bin`
    runPythonJson('store_ops.py', ['put', uri, 'w'.repeat(100_000)], { env })
    const options = { rangedThreshold: 1, ranged: { partSize: 16 * 1024, concurrency: 3 } }
    const reader = await openAzureReader(locationOf(uri, 'wasbs'), env, options)
    const { ours, theirs } = await digestAndCompare(reader, env)
    expect(Object.keys(ours)).toEqual(['weights.bin'])
    expect(ours).toEqual(theirs)
    const listing = await reader.list()
    runPythonJson('store_ops.py', ['put', uri, 'v'.repeat(100_000)], { env })
    await expect(
      reader.read(listing.files[0]!, async body => {
        for await (const chunk of body) void chunk
      })
    ).rejects.toThrow(/Could not read 'weights\.bin' of .* on Azure Blob: ConditionNotMet/)
  })

  test('credentials from the environment as MLflow reads them: a wrong account key is refused and named as a credentials problem, the right one reads', async () => {
    const { env, directRoot } = rig!
    // Azurite serves the account on its path, which only a connection string can name; a wrong
    // key in it proves the reader signs with the key it is given.
    const endpoint = /BlobEndpoint=([^;]+)/.exec(env.AZURE_STORAGE_CONNECTION_STRING!)![1]!
    const wrong = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${Buffer.from('wrong').toString('base64')};BlobEndpoint=${endpoint};`
    const reader = await openAzureReader(locationOf(`${directRoot}/single`, 'wasbs'), {
      AZURE_STORAGE_CONNECTION_STRING: wrong
    })
    await expect(reader.list()).rejects.toThrow(/on Azure Blob: .*HTTP 403.*azure\/login/)
    const right = await openAzureReader(locationOf(`${directRoot}/single`, 'wasbs'), {
      AZURE_STORAGE_CONNECTION_STRING: env.AZURE_STORAGE_CONNECTION_STRING!.replace(
        /AccountKey=[^;]+/,
        `AccountKey=${AZURITE_KEY}`
      )
    })
    expect((await right.list()).files.map(f => f.relpath)).toEqual(['weights.bin'])
  })

  governedFlowTests(() => rig!, 'store')
})
