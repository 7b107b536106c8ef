import { describe, expect, it } from '@jest/globals'
import {
  locateArtifact,
  locateUri,
  openReader,
  proxyPath,
  redactUri,
  type LocateClient
} from '../../../src/artifacts/index.js'
import { ActionError } from '../../../src/core/errors.js'
import type { LoggedModel, ModelVersion } from '../../../src/mlflow/index.js'

const logged = (id: string, name: string, run: string): LoggedModel => ({
  info: {
    model_id: id,
    name,
    source_run_id: run,
    experiment_id: '7',
    artifact_uri: `mlflow-artifacts:/7/models/${id}/artifacts`,
    tags: []
  },
  data: { params: [], metrics: [] }
})

/** A registry and tracking server in memory, with the calls it was asked. */
function fake(downloadUris: Record<string, string> = {}) {
  const calls: string[] = []
  const models = [
    logged('m-aaa', 'model', 'run1'),
    // Same name, another run of the experiment: MLflow matches source_run_id too.
    logged('m-bbb', 'model', 'run2')
  ]
  const client: LocateClient = {
    getRun: (id: string) => {
      calls.push(`run ${id}`)
      return Promise.resolve({
        info: { run_id: id, experiment_id: '7', artifact_uri: `s3://bucket/7/${id}/artifacts` },
        data: { metrics: [], params: [], tags: [] }
      })
    },
    getLoggedModel: (id: string) => {
      calls.push(`logged ${id}`)
      const m = models.find(x => x.info.model_id === id)
      return m ? Promise.resolve(m) : Promise.reject(new ActionError(`no logged model ${id}`))
    },
    searchLoggedModels: (experiments: string[], filter: string) => {
      calls.push(`search ${experiments.join(',')} ${filter}`)
      const name = /^name = '(.*)'$/.exec(filter)?.[1]
      return Promise.resolve(models.filter(m => m.info.name === name))
    },
    getModelVersionDownloadUri: (name: string, version: string) => {
      calls.push(`download-uri ${name}/${version}`)
      return Promise.resolve(downloadUris[`${name}/${version}`] ?? '')
    },
    getVersionByAlias: (name: string, alias: string) => {
      calls.push(`alias ${name}@${alias}`)
      return Promise.resolve(
        alias === 'champion' ? ({ name, version: '4' } as ModelVersion) : undefined
      )
    },
    getLatestVersions: (name: string, stages?: string[]) => {
      calls.push(`latest ${name} ${(stages ?? []).join(',')}`)
      return Promise.resolve([
        { name, version: '2' } as ModelVersion,
        { name, version: '10' } as ModelVersion
      ])
    }
  }
  return { client, calls }
}

describe('locateUri: a source resolved as MLflow 3.17 resolves it', () => {
  it('runs:/<run>/model naming a logged model of that run: the logged model, plus the rest of the path', async () => {
    const { client, calls } = fake()
    const located = await locateUri(client, 'runs:/run2/model')
    expect(located).toMatchObject({
      uri: 'mlflow-artifacts:/7/models/m-bbb/artifacts',
      scheme: 'mlflow-artifacts'
    })
    expect(located.via).toBe(
      'runs:/run2/model → logged model m-bbb of run run2 (MLflow 3) → mlflow-artifacts:/7/models/m-bbb/artifacts'
    )
    expect(calls).toEqual(['run run2', "search 7 name = 'model'"])
    const sub = await locateUri(client, 'runs:/run1/model/MLmodel')
    expect(sub.uri).toBe('mlflow-artifacts:/7/models/m-aaa/artifacts/MLmodel')
  })

  it("runs:/<run>/<path> with no logged model of that name: the run's own artifact folder", async () => {
    const { client } = fake()
    await expect(locateUri(client, 'runs:/run1/bundle/')).resolves.toMatchObject({
      uri: 's3://bucket/7/run1/artifacts/bundle',
      scheme: 's3'
    })
    // A logged model 'model' of another run does not count (source_run_id must match).
    await expect(locateUri(client, 'runs:/run3/model')).resolves.toMatchObject({
      uri: 's3://bucket/7/run3/artifacts/model'
    })
  })

  it('models:/m-<id>, models:/<name>/<version>, @alias, a stage and latest', async () => {
    const { client, calls } = fake({
      'churn/3': 'runs:/run1/model',
      'churn/4': 'gs://b/p',
      'churn/10': 'wasbs://models@acct.blob.core.windows.net/x'
    })
    await expect(locateUri(client, 'models:/m-aaa')).resolves.toMatchObject({
      uri: 'mlflow-artifacts:/7/models/m-aaa/artifacts'
    })
    const v3 = await locateUri(client, 'models:/churn/3')
    expect(v3.uri).toBe('mlflow-artifacts:/7/models/m-aaa/artifacts')
    expect(v3.via).toMatch(/^models:\/churn\/3 → runs:\/run1\/model → logged model m-aaa/)
    await expect(locateUri(client, 'models:/churn@champion')).resolves.toMatchObject({
      uri: 'gs://b/p',
      scheme: 'gs'
    })
    // The newest version of a stage, by number (10 after 2).
    await expect(locateUri(client, 'models:/churn/Production')).resolves.toMatchObject({
      scheme: 'wasbs',
      uri: 'wasbs://models@acct.blob.core.windows.net/x'
    })
    await expect(locateUri(client, 'models:/churn/3/sub/file')).resolves.toMatchObject({
      uri: 'mlflow-artifacts:/7/models/m-aaa/artifacts/sub/file'
    })
    expect(calls).toContain('latest churn Production')
  })

  it('locateArtifact starts from the registry download URI (storage location), else the source', async () => {
    const { client, calls } = fake({ 'churn/5': 'abfss://c@acct.dfs.core.windows.net/m' })
    const mv = { name: 'churn', version: '5', source: 'runs:/run1/model' }
    await expect(locateArtifact(client, mv)).resolves.toMatchObject({
      scheme: 'abfss',
      via: 'models:/churn/5 → abfss://c@acct.dfs.core.windows.net/m'
    })
    expect(calls).toEqual(['download-uri churn/5'])
    await expect(
      locateArtifact(client, { name: 'churn', version: '6', source: 'models:/m-aaa' })
    ).resolves.toMatchObject({ uri: 'mlflow-artifacts:/7/models/m-aaa/artifacts' })
  })

  it('refuses stores it cannot read, without printing credentials', async () => {
    const { client } = fake()
    const refusal = locateUri(client, 'https://user:hunter2@files.example.com/model?sig=SECRET')
    await expect(refusal).rejects.toThrow(ActionError)
    await expect(refusal).rejects.toThrow(
      /'https:\/\/files\.example\.com\/model\?…', a store the suite cannot read/
    )
    await expect(refusal).rejects.not.toThrow(/hunter2|SECRET/)
    await expect(locateUri(client, '/local/path/model')).rejects.toThrow('cannot read')
    await expect(locateUri(client, '')).rejects.toThrow('has no source')
  })

  it('refuses sources that point at each other', async () => {
    const { client } = fake({ 'a/1': 'models:/b/1', 'b/1': 'models:/a/1' })
    await expect(locateUri(client, 'models:/a/1')).rejects.toThrow(/more than 8 hops/)
  })
})

describe('redactUri', () => {
  it.each([
    ['s3://AKIA:secret@bucket/key', 's3://bucket/key'],
    ['s3://token@bucket/key', 's3://bucket/key'],
    [
      'wasbs://container@acct.blob.core.windows.net/p',
      'wasbs://container@acct.blob.core.windows.net/p'
    ],
    [
      'wasbs://container@acct.blob.core.windows.net/p?sv=1&sig=abc',
      'wasbs://container@acct.blob.core.windows.net/p?…'
    ],
    ['mlflow-artifacts:/1/a\u001b[2Jb', 'mlflow-artifacts:/1/a\ufffd[2Jb']
  ])('%s -> %s', (uri, shown) => {
    expect(redactUri(uri)).toBe(shown)
  })
})

describe('the proxy location and the readers', () => {
  const loc = (uri: string) => ({ uri, scheme: 'mlflow-artifacts' as const, via: 'test' })

  it.each([
    ['mlflow-artifacts:/7/abc/artifacts/model/', '7/abc/artifacts/model'],
    ['mlflow-artifacts://mlflow.test/7/abc/artifacts/model', '7/abc/artifacts/model']
  ])('%s -> %s', (uri, path) => {
    expect(proxyPath(loc(uri), 'http://mlflow.test')).toBe(path)
  })

  it("refuses another server's proxy and a path that climbs out", () => {
    expect(() => proxyPath(loc('mlflow-artifacts://other:5000/7/x'), 'http://mlflow.test')).toThrow(
      "another tracking server's proxy"
    )
    expect(() => proxyPath(loc('mlflow-artifacts:/7/abc/../../etc'), 'http://x')).toThrow(
      'not a plain path'
    )
  })

  it('a store without a reader in this build is refused, naming it and what it needs', async () => {
    const mlflow = {
      server: 'http://x',
      listProxiedArtifacts: () => Promise.resolve([]),
      downloadProxiedArtifact: () => Promise.reject(new Error('unused'))
    }
    const { STORE_READERS } = await import('../../../src/artifacts/stores/index.js')
    const location = { uri: 'gs://bucket/m', scheme: 'gs' as const, via: 'models:/m/1' }
    if (STORE_READERS.gs) {
      // The stores' change is merged: the reader opens (its own tests cover it).
      expect(typeof STORE_READERS.gs).toBe('function')
    } else {
      await expect(openReader(location, { mlflow, env: {} })).rejects.toThrow(
        /gs:\/\/ store \('gs:\/\/bucket\/m'\).*google-github-actions\/auth/
      )
    }
  })
})
