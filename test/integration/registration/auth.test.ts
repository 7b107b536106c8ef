import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { registerCandidate } from '../../../src/registration/index.js'
import { basicAuthEnv, createUser, grantModelPermission } from '../../harness/auth-admin.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { deps, failure, realClient, request, type DumpedModel } from './helpers.js'

/** MLflow's basic-auth app: creating a version needs more than READ on the registered model. */
describe('registration on the basic-auth server', () => {
  const { auth } = harness()
  const adminEnv = basicAuthEnv(auth.admin.username, auth.admin.password)
  const model = uniqueName('reg-auth')
  const reader = { username: uniqueName('reg-reader'), password: randomBytes(12).toString('hex') }
  const editor = { username: uniqueName('reg-editor'), password: randomBytes(12).toString('hex') }
  const readerClient = realClient(auth.uri, reader)
  const editorClient = realClient(auth.uri, editor)
  let source: string

  beforeAll(async () => {
    const [run] = seed(
      auth.uri,
      [
        { op: 'run', experiment: 'registration-auth' },
        { op: 'create_model', name: model }
      ],
      adminEnv
    )
    source = `runs:/${run!.run_id}/model`
    await createUser(auth.uri, auth.admin, reader.username, reader.password)
    await createUser(auth.uri, auth.admin, editor.username, editor.password)
    // default_permission is READ: the reader needs no grant.
    await grantModelPermission(auth.uri, auth.admin, editor.username, model, 'EDIT')
  })

  afterAll(async () => {
    await readerClient.http.close()
    await editorClient.http.close()
  })

  it('refuses a user with only READ, naming the permission needed, and registers nothing', async () => {
    const error = await failure(
      registerCandidate(request(model, source, { createModel: false }), deps(readerClient))
    )
    expect(error.message).toMatch(
      /^PERMISSION_DENIED: .* refused to create a version of registered model '.*'\. Registering needs EDIT/
    )
    expect(error.message).toMatch(/Nothing was registered\.$/)
    expect(await editorClient.searchModelVersions(`name='${model}'`)).toEqual([])
  })

  it("lets a user with EDIT register, as MLflow's Python client then shows", async () => {
    const result = await registerCandidate(
      request(model, source, { createModel: false }),
      deps(editorClient)
    )
    expect(result).toMatchObject({ registered: true, version: '1' })
    const dump = dumpModels(auth.uri, [model, model], adminEnv)[model] as DumpedModel
    expect(
      dump.versions.map(v => [v.version, v.source, v.tags['model_governance.registration.actor']])
    ).toEqual([['1', source, 'octocat']])
  })
})
