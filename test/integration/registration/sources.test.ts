import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MlflowApiError } from '../../../src/mlflow/index.js'
import { registerCandidate, type RegistrationResult } from '../../../src/registration/index.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import {
  deps,
  failure,
  LOCK,
  MD5,
  PREFIX,
  realClient,
  request,
  RUN,
  type DumpedModel
} from './helpers.js'

/**
 * Registration against the real server, read back with MLflow's Python client: each source form,
 * an idempotent rerun, and sources that do not exist.
 */
describe('registering candidates on the real server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const names = {
    run: uniqueName('reg-run'),
    logged: uniqueName('reg-logged'),
    artifact: uniqueName('reg-artifact')
  }
  const missingName = uniqueName('reg-missing')
  let runId: string
  let modelId: string
  let artifactUri: string
  const results: Record<string, RegistrationResult> = {}
  const reruns: Record<string, RegistrationResult> = {}
  let dumps: Record<string, DumpedModel>

  beforeAll(async () => {
    // One Python process seeds a run with a model directory and a logged model from that run.
    const [run, logged] = seed(mlflow.uri, [
      { op: 'run', experiment: 'registration' },
      { op: 'logged_model', name: 'unused', run: 0, register: false }
    ])
    runId = run!.run_id!
    modelId = logged!.model_id!
    artifactUri = (await client.getRun(runId)).info.artifact_uri + '/model'
    const sources = {
      run: `runs:/${runId}/model`,
      logged: `models:/${modelId}`,
      artifact: artifactUri
    }
    for (const [form, source] of Object.entries(sources)) {
      const name = names[form as keyof typeof names]
      results[form] = await registerCandidate(request(name, source), deps(client))
      reruns[form] = await registerCandidate(request(name, source), deps(client))
    }
    dumps = dumpModels(mlflow.uri, Object.values(names)) as Record<string, DumpedModel>
  })

  afterAll(async () => {
    await client.http.close()
  })

  it.each(['run', 'logged', 'artifact'] as const)(
    'registers the %s source form with lineage tags the Python client reads back',
    form => {
      const dump = dumps[names[form]]!
      expect(results[form]).toMatchObject({
        registered: true,
        createdModel: true,
        version: '1',
        status: 'READY',
        runId
      })
      expect(dump.versions).toHaveLength(1)
      const [version] = dump.versions
      expect(version).toMatchObject({
        version: '1',
        stage: 'None',
        status: 'READY',
        run_id: runId,
        source: results[form]!.source
      })
      expect(version!.tags).toMatchObject({
        [`${PREFIX}registration.git_commit`]: RUN.sha,
        [`${PREFIX}registration.dvc_lock_sha256`]: LOCK,
        [`${PREFIX}registration.model_md5`]: MD5,
        [`${PREFIX}registration.run_url`]: RUN.runUrl,
        [`${PREFIX}registration.actor`]: 'octocat'
      })
      expect(Date.parse(version!.tags[`${PREFIX}registration.at`]!)).toBeGreaterThan(
        Date.now() - 600_000
      )
    }
  )

  it('keeps each source as given: runs:/, models:/m-… and the artifact URI', () => {
    expect(dumps[names.run]!.versions[0]!.source).toBe(`runs:/${runId}/model`)
    expect(dumps[names.logged]!.versions[0]!.source).toBe(`models:/${modelId}`)
    expect(dumps[names.artifact]!.versions[0]!.source).toMatch(
      /^mlflow-artifacts:\/.*\/artifacts\/model$/
    )
    expect(results.logged!.modelId).toBe(modelId)
  })

  it.each(['run', 'logged', 'artifact'] as const)(
    'a rerun of the %s form finds the version and creates no duplicate',
    form => {
      expect(reruns[form]).toMatchObject({ registered: false, version: '1', createdModel: false })
      expect(reruns[form]!.tags[`${PREFIX}registration.dvc_lock_sha256`]).toBe(LOCK)
      expect(dumps[names[form]]!.versions.map(v => v.version)).toEqual(['1'])
    }
  )

  it.each([
    [
      'a run that does not exist',
      () => `runs:/${'0'.repeat(32)}/model`,
      /run '0{32}' does not exist/
    ],
    [
      'an artifact path the run does not have',
      () => `runs:/${runId}/no-such-model`,
      /has no artifact at 'no-such-model' \(under '\(root\)' it has: model\)/
    ],
    [
      'a logged model that does not exist',
      () => `models:/m-${'0'.repeat(32)}`,
      /logged model 'm-0{32}' does not exist/
    ],
    [
      'an artifact URI with nothing behind it',
      () => artifactUri.replace(/model$/, 'gone'),
      /has no artifact at 'gone'/
    ]
  ])('fails clearly on %s and creates nothing', async (_what, source, message) => {
    const error = await failure(registerCandidate(request(missingName, source()), deps(client)))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was registered\.$/)
    const lookup = await failure(client.getRegisteredModel(missingName))
    expect(lookup).toBeInstanceOf(MlflowApiError)
    expect((lookup as MlflowApiError).errorCode).toBe('RESOURCE_DOES_NOT_EXIST')
  })

  it('adds no version to an existing model when the source is missing', async () => {
    const error = await failure(
      registerCandidate(request(names.run, `runs:/${runId}/nope`), deps(client))
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    const versions = await client.searchModelVersions(`name='${names.run}'`)
    expect(versions.map(v => v.version)).toEqual(['1'])
  })

  it('refuses a missing registered model when create-model is false', async () => {
    const error = await failure(
      registerCandidate(
        request(missingName, `runs:/${runId}/model`, { createModel: false }),
        deps(client)
      )
    )
    expect(error.message).toMatch(
      /'model-name' names registered model '.*', which does not exist at .*Set 'create-model' to true/
    )
    expect(
      ((await failure(client.getRegisteredModel(missingName))) as MlflowApiError).errorCode
    ).toBe('RESOURCE_DOES_NOT_EXIST')
  })
})
