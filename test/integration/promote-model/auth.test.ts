import { beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { promote } from '../../../src/promotion/index.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import {
  deps,
  failure,
  modelOps,
  realClient,
  request,
  AUTH_RETRY,
  stages,
  type DumpedModel
} from './helpers.js'

/** MLflow's basic-auth app: moving a stage or an alias needs EDIT on the model; READ is refused. */
describe('promote-model on the basic-auth server', () => {
  const { auth } = harness()
  const adminEnv = {
    MLFLOW_TRACKING_USERNAME: auth.admin.username,
    MLFLOW_TRACKING_PASSWORD: auth.admin.password
  }
  const name = uniqueName('pm-auth')
  const reader = { username: uniqueName('reader'), password: randomBytes(12).toString('hex') }
  const editor = { username: uniqueName('editor'), password: randomBytes(12).toString('hex') }
  let before: DumpedModel

  async function adminPost(path: string, body: unknown): Promise<void> {
    const basic = Buffer.from(`${auth.admin.username}:${auth.admin.password}`).toString('base64')
    const response = await fetch(`${auth.uri}/api/${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
  }

  beforeAll(async () => {
    seed(
      auth.uri,
      [{ op: 'run', experiment: 'promote-model-auth' }, ...modelOps(name, 2)],
      adminEnv
    )
    await adminPost('2.0/mlflow/users/create', reader)
    await adminPost('2.0/mlflow/users/create', editor)
    // default_permission is READ, so the reader needs no grant; the editor gets EDIT on this model
    // (MLflow 3.17's grant API; the 2.0 registered-models/permissions routes are gone).
    await adminPost('3.0/mlflow/users/permissions/grant', {
      username: editor.username,
      resource_type: 'registered_model',
      resource_id: name,
      permission: 'EDIT'
    })
  })

  it('refuses a user with READ, naming the missing permission, and changes nothing', async () => {
    const client = realClient(auth.uri, { ...reader, retry: AUTH_RETRY })
    const [dump] = Object.values(dumpModels(auth.uri, [name, name], adminEnv)) as DumpedModel[]
    before = dump!
    const error = await failure(
      promote(request(name, { version: '1', stage: 'Staging' }), deps(client))
    )
    await client.http.close()
    expect(error.message).toMatch(
      /PERMISSION_DENIED: the tracking user may not move stage Staging of registered model '.*'/
    )
    expect(error.message).toMatch(/needs the EDIT permission/)
    expect(error.message).toMatch(
      /Registry now shows: no version is in stage Staging \(the registry is as it was before this run\)/
    )
  })

  it('lets a user with EDIT promote', async () => {
    const client = realClient(auth.uri, { ...editor, retry: AUTH_RETRY })
    const result = await promote(request(name, { version: '1', stage: 'Staging' }), deps(client))
    await client.http.close()
    expect(result.changed).toBe(true)
  })

  it("shows both outcomes through MLflow's Python client", () => {
    // the READ attempt left the dump identical; only the EDIT run's transition and tags differ
    const after = (dumpModels(auth.uri, [name, name], adminEnv) as Record<string, DumpedModel>)[
      name
    ]!
    expect(stages(before)).toEqual({ 1: 'None', 2: 'None' })
    expect(stages(after)).toEqual({ 1: 'Staging', 2: 'None' })
    expect(after.versions[0]!.tags['model_governance.promoted_by']).toBe('octocat')
    expect(after.versions[1]).toEqual(before.versions[1])
  })
})
