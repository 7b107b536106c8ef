import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowApiError } from '../../../src/mlflow/errors.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'
import { basicAuthEnv, createUser, grantModelPermission } from '../../harness/auth-admin.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'

function client(uri: string, env: NodeJS.ProcessEnv = {}): MlflowClient {
  const connection = resolveConnection({ 'tracking-uri': uri }, env)
  return new MlflowClient(
    new MlflowHttp(connection, {
      logger: new MemoryLogger(),
      // One retry, soon. The budget is not what is tested: it covers the basic-auth server,
      // whose every request pays MLflow's scrypt password check (about 0.6 s of its single
      // worker on 2 cores) and queues behind the other jest worker's authenticated requests.
      retry: {
        maxRetries: 1,
        baseDelayMs: 10,
        maxDelayMs: 10,
        totalBudgetMs: 60_000,
        requestTimeoutMs: 30_000
      }
    })
  )
}

describe('MLflow client against a real tracking server', () => {
  const { mlflow } = harness()

  it("reads back exactly what MLflow's Python client wrote", async () => {
    const name = uniqueName('churn')
    const [run, registered] = seed(mlflow.uri, [
      { op: 'run', metrics: { accuracy: [0.7, 0.91, 0.88], loss: 0.25 }, params: { depth: '6' } },
      { op: 'register', name, run: 0 },
      { op: 'transition', name, version: '1', stage: 'Staging' },
      { op: 'alias', name, alias: 'candidate', version: '1' },
      { op: 'version_tag', name, version: '1', key: 'team', value: 'growth' }
    ])
    const c = client(mlflow.uri)
    const version = await c.getModelVersion(name, registered!.version!)
    expect(version).toMatchObject({
      name,
      version: '1',
      current_stage: 'Staging',
      run_id: run!.run_id,
      status: 'READY',
      aliases: ['candidate']
    })
    expect(version.tags).toEqual([{ key: 'team', value: 'growth' }])
    const model = await c.getRegisteredModel(name)
    expect(model.aliases).toEqual([{ alias: 'candidate', version: '1' }])
    expect((await c.getVersionByAlias(name, 'candidate'))?.version).toBe('1')
    expect(await c.getVersionByAlias(name, 'nope')).toBeUndefined()

    const fetched = await c.getRun(run!.run_id!)
    // runs/get reports the latest value per key: the last step logged.
    expect(Object.fromEntries(fetched.data.metrics.map(m => [m.key, m.value]))).toEqual({
      accuracy: 0.88,
      loss: 0.25
    })
    expect(fetched.data.params).toEqual([{ key: 'depth', value: '6' }])
    const history = await c.getMetricHistory(run!.run_id!, 'accuracy')
    expect(history.map(m => m.value)).toEqual([0.7, 0.91, 0.88])
    expect(history.map(m => m.step)).toEqual([0, 1, 2])
  })

  it('reports an unknown model as RESOURCE_DOES_NOT_EXIST naming the model and the server', async () => {
    const name = uniqueName('missing')
    const error = await client(mlflow.uri)
      .getModelVersion(name, '7')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MlflowApiError)
    expect((error as MlflowApiError).errorCode).toBe('RESOURCE_DOES_NOT_EXIST')
    expect((error as Error).message).toBe(
      `RESOURCE_DOES_NOT_EXIST: registered model '${name}' version 7 not found at ${mlflow.uri}`
    )
  })
})

describe('MLflow client against the basic-auth server', () => {
  const { auth } = harness()

  it('gives a clear UNAUTHENTICATED error for a wrong password, without the password', async () => {
    const password = 'wrong-password-s3cr3t'
    const c = client(auth.uri, basicAuthEnv(auth.admin.username, password))
    const error = (await c
      .getRegisteredModel('anything')
      .catch((e: unknown) => e)) as MlflowApiError
    expect(error).toBeInstanceOf(MlflowApiError)
    expect(error.errorCode).toBe('UNAUTHENTICATED')
    expect(error.status).toBe(401)
    expect(error.message).toContain(`UNAUTHENTICATED: ${auth.uri} rejected the credentials`)
    expect(error.message).not.toContain(password)
  })

  it('reports PERMISSION_DENIED (plain-text 403) for a user without rights on a model', async () => {
    const adminEnv = basicAuthEnv(auth.admin.username, auth.admin.password)
    const name = uniqueName('guarded')
    const user = uniqueName('nobody')
    seed(auth.uri, [{ op: 'create_model', name }], adminEnv)
    await createUser(auth.uri, auth.admin, user, 'nobody-password-1')
    await grantModelPermission(auth.uri, auth.admin, user, name, 'DENY')
    const c = client(auth.uri, basicAuthEnv(user, 'nobody-password-1'))
    const error = (await c.getRegisteredModel(name).catch((e: unknown) => e)) as MlflowApiError
    expect(error).toBeInstanceOf(MlflowApiError)
    expect(error.errorCode).toBe('PERMISSION_DENIED')
    expect(error.status).toBe(403)
    expect(error.message).toContain(`registered model '${name}'`)
  })
})
