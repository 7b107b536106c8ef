import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryLogger } from '../../../src/core/logger.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowApiError } from '../../../src/mlflow/errors.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'

/** A local server that answers every request with the next scripted JSON body. */
let next: unknown = {}
let requests = 0
let server: http.Server
let client: MlflowClient

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests++
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  client = new MlflowClient(
    new MlflowHttp(resolveConnection({ 'tracking-uri': uri }, {}), { logger: new MemoryLogger() })
  )
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const mv = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'churn',
  version: '7',
  current_stage: 'Production',
  ...over
})

async function refused(reply: unknown, call: () => Promise<unknown>): Promise<MlflowApiError> {
  next = reply
  requests = 0
  const error = await call().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(MlflowApiError)
  expect((error as MlflowApiError).errorCode).toBe('MISMATCHED_RESPONSE')
  // Final: a reply about something else is not retried.
  expect(requests).toBe(1)
  return error as MlflowApiError
}

describe('replies are checked against the request', () => {
  it('getModelVersion refuses a reply naming another model or version', async () => {
    const other = await refused({ model_version: mv({ name: 'fraud' }) }, () =>
      client.getModelVersion('churn', '7')
    )
    expect(other.message).toContain('asked for name "churn" and the reply names "fraud"')
    const version = await refused({ model_version: mv({ version: '8' }) }, () =>
      client.getModelVersion('churn', '7')
    )
    expect(version.message).toContain('asked for version "7" and the reply names "8"')
    // A reply that names something long is quoted short.
    const long = await refused({ model_version: mv({ name: 'x'.repeat(10_000) }) }, () =>
      client.getModelVersion('churn', '7')
    )
    expect(long.message.length).toBeLessThan(600)
  })

  it('accepts the same version however it is spelled (number or string)', async () => {
    next = { model_version: mv({ version: 7 }) }
    await expect(client.getModelVersion('churn', '7')).resolves.toMatchObject({
      name: 'churn',
      version: '7'
    })
  })

  it('getRun refuses another run id; getRegisteredModel another name; getLoggedModel another id', async () => {
    await refused({ run: { info: { run_id: 'b'.repeat(32) } } }, () =>
      client.getRun('a'.repeat(32))
    )
    await refused({ registered_model: { name: 'fraud' } }, () => client.getRegisteredModel('churn'))
    await refused({ model: { info: { model_id: 'm-2' } } }, () => client.getLoggedModel('m-1'))
  })

  it('getLatestVersions refuses a version of another model or of a stage not asked for', async () => {
    await refused({ model_versions: [mv({ name: 'fraud' })] }, () =>
      client.getLatestVersions('churn', ['Production'])
    )
    await refused({ model_versions: [mv({ current_stage: 'Staging' })] }, () =>
      client.getLatestVersions('churn', ['Production'])
    )
  })

  it('transitionStage and createModelVersion refuse a reply about another version or run', async () => {
    await refused({ model_version: mv({ version: '6' }) }, () =>
      client.transitionStage('churn', '7', 'Production', true)
    )
    await refused({ model_version: mv({ run_id: 'other' }) }, () =>
      client.createModelVersion({ name: 'churn', source: 'runs:/mine/model', runId: 'mine' })
    )
  })

  it('getVersionByAlias refuses another model, or a filled alias list without the alias', async () => {
    await refused({ model_version: mv({ name: 'fraud' }) }, () =>
      client.getVersionByAlias('churn', 'champion')
    )
    await refused({ model_version: mv({ aliases: ['challenger'] }) }, () =>
      client.getVersionByAlias('churn', 'champion')
    )
    // MLflow's SQL store leaves aliases empty in some replies: that is not a mismatch.
    next = { model_version: mv({ aliases: [] }) }
    await expect(client.getVersionByAlias('churn', 'champion')).resolves.toMatchObject({
      version: '7'
    })
  })

  it('getMetricHistory refuses points of another metric', async () => {
    await refused({ metrics: [{ key: 'loss', value: 1, step: 0 }] }, () =>
      client.getMetricHistory('a'.repeat(32), 'auc')
    )
  })

  it('artifact listings refuse paths that leave the artifact tree', async () => {
    for (const bad of [
      '../../etc/passwd',
      '/etc/passwd',
      'model/../../x',
      'model\nM 100644 x',
      'a\\..\\b'
    ]) {
      await refused({ files: [{ path: bad, is_dir: false }] }, () =>
        client.listRunArtifacts('r', 'model')
      )
    }
    await refused({ files: [{ path: '../x' }] }, () =>
      client.listProxiedArtifacts('1/abc/artifacts')
    )
    next = { files: [{ path: 'model/MLmodel', is_dir: false }] }
    await expect(client.listRunArtifacts('r', 'model')).resolves.toHaveLength(1)
  })
})
