import { fakeClock } from '../../harness/fake-clock.js'
import { describe, expect, it } from '@jest/globals'
import { ActionError, ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import type { RunContext } from '../../../src/github/context.js'
import {
  registerCandidate,
  RegistrationFailedError,
  registrationSummary,
  type RegistrationRequest
} from '../../../src/registration/index.js'
import { FakeRegistry } from '../../harness/fake-registry.js'
import { promoteOutputs } from '../../../actions/promote-model/outputs.js'

const RUN_ID = 'a'.repeat(32)
const LOCK = 'b'.repeat(64)
const MD5 = 'c'.repeat(32)
const SHA = 'd'.repeat(40)
const RUN: RunContext = {
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  runUrl: 'https://github.com/acme/models/actions/runs/7',
  actor: 'octocat',
  triggeringActor: 'octocat',
  sha: SHA
}

function setup(request: Partial<RegistrationRequest> = {}) {
  const registry = new FakeRegistry()
  registry.addRun(RUN_ID, ['model/MLmodel', 'model/model.pkl'])
  const clock = fakeClock(1_800_000_000_000)
  const logger = new MemoryLogger()
  const req: RegistrationRequest = {
    model: 'churn',
    source: `runs:/${RUN_ID}/model`,
    createModel: false,
    lineage: { lockSha256: LOCK, modelMd5: MD5 },
    tagPrefix: 'model_governance.',
    timeoutMs: 60_000,
    ...request
  }
  const run = () => registerCandidate(req, { registry, run: RUN, clock, logger })
  return { registry, clock, logger, run }
}

describe('registerCandidate', () => {
  it('registers a runs:/ source with its lineage tags and the run id MLflow requires', async () => {
    const { registry, run } = setup()
    registry.addModel('churn')
    const result = await run()
    expect(result).toMatchObject({
      version: '1',
      registered: true,
      createdModel: false,
      runId: RUN_ID,
      status: 'READY'
    })
    const mv = registry.versionsOf('churn')[0]!
    expect(mv.run_id).toBe(RUN_ID)
    expect(Object.fromEntries(mv.tags.map(t => [t.key, t.value]))).toEqual({
      'model_governance.registration.git_commit': SHA,
      'model_governance.registration.dvc_lock_sha256': LOCK,
      'model_governance.registration.model_md5': MD5,
      'model_governance.registration.run_url': RUN.runUrl,
      'model_governance.registration.actor': 'octocat',
      'model_governance.registration.at': new Date(1_800_000_000_000).toISOString()
    })
  })

  it('refuses a missing registered model unless create-model is true, and then creates it', async () => {
    const refused = setup()
    await expect(refused.run()).rejects.toThrow(
      /'model-name'.*does not exist.*Set 'create-model' to true/
    )
    expect(refused.registry.writes).toEqual([])

    const allowed = setup({ createModel: true })
    const result = await allowed.run()
    expect(result.createdModel).toBe(true)
    expect(allowed.registry.writes).toEqual([
      'create-model churn',
      `create-version churn runs:/${RUN_ID}/model`
    ])
  })

  it('is idempotent: a rerun finds the version by run id and source and writes nothing', async () => {
    const { registry, run, logger } = setup({ createModel: true })
    const first = await run()
    const second = await run()
    expect(second).toMatchObject({ version: first.version, registered: false })
    expect(registry.writes.filter(w => w.startsWith('create-version'))).toHaveLength(1)
    expect(logger.messages('info').join('\n')).toMatch(
      /Already registered: 'churn' version 1 .*no new version created/
    )
    expect(second.tags['model_governance.registration.dvc_lock_sha256']).toBe(LOCK)
  })

  it('warns when a rerun passes lineage other than the version carries, and still reuses it', async () => {
    const { registry, run } = setup({ createModel: true })
    await run()
    const logger = new MemoryLogger()
    const other = 'f'.repeat(64)
    const again = await registerCandidate(
      {
        model: 'churn',
        source: `runs:/${RUN_ID}/model`,
        createModel: false,
        lineage: { lockSha256: other, modelMd5: MD5 },
        tagPrefix: 'model_governance.',
        timeoutMs: 1000
      },
      { registry, run: RUN, clock: fakeClock(1_800_000_000_000), logger }
    )
    expect(again).toMatchObject({ version: '1', registered: false })
    expect(logger.messages('warning')).toEqual([
      `Version 1 was registered with model_governance.registration.dvc_lock_sha256=${LOCK}, but this run passed ${other}; the version was reused and its tags left as they were.`
    ])
  })

  it('registers again from the same run when the source differs', async () => {
    const { registry, run } = setup({ createModel: true })
    registry.addRun(RUN_ID, ['model/MLmodel', 'other/MLmodel'])
    await run()
    const other = await registerCandidate(
      {
        model: 'churn',
        source: `runs:/${RUN_ID}/other`,
        createModel: false,
        lineage: {},
        tagPrefix: 'p.',
        timeoutMs: 1000
      },
      { registry, run: RUN, clock: fakeClock(1_800_000_000_000), logger: new MemoryLogger() }
    )
    expect(other).toMatchObject({ version: '2', registered: true })
  })

  it('waits with backoff while the version is PENDING_REGISTRATION', async () => {
    const { registry, clock, run } = setup({ createModel: true })
    // The first status answers the create; the others answer the reads after it.
    registry.statuses = [
      { status: 'PENDING_REGISTRATION' },
      { status: 'PENDING_REGISTRATION' },
      { status: 'PENDING_REGISTRATION' },
      { status: 'PENDING_REGISTRATION' },
      { status: 'READY' }
    ]
    const result = await run()
    expect(result.status).toBe('READY')
    expect(clock.slept).toEqual([250, 500, 1000])
    expect(result.waitedMs).toBe(1750)
  })

  it('confirms a new version with one read and no wait when the registry already shows it READY', async () => {
    const { registry, clock, run } = setup({ createModel: true })
    let reads = 0
    const get = registry.getModelVersion.bind(registry)
    registry.getModelVersion = (name, version) => {
      reads++
      return get(name, version)
    }
    await run()
    expect(reads).toBe(1)
    expect(clock.slept).toEqual([])
  })

  it('trusts the stored status over a create response that said READY', async () => {
    const { registry, run } = setup({ createModel: true })
    registry.statuses = [
      { status: 'READY' },
      { status: 'FAILED_REGISTRATION', message: 'late failure' }
    ]
    await expect(run()).rejects.toThrow(/late failure/)
  })

  it('turns FAILED_REGISTRATION into an error carrying MLflow status message', async () => {
    const { registry, run } = setup({ createModel: true })
    registry.statuses = [
      { status: 'PENDING_REGISTRATION' },
      { status: 'PENDING_REGISTRATION' },
      { status: 'FAILED_REGISTRATION', message: 'copy to s3 failed: AccessDenied' }
    ]
    const error = await run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistrationFailedError)
    expect((error as Error).message).toMatch(
      /version 1: FAILED_REGISTRATION \(MLflow said: copy to s3 failed: AccessDenied\)/
    )
  })

  it('gives up on a version still pending at the timeout, saying the version exists', async () => {
    const { registry, clock, run } = setup({ createModel: true, timeoutMs: 3000 })
    registry.statuses = Array.from({ length: 50 }, () => ({ status: 'PENDING_REGISTRATION' }))
    const error = await run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toMatch(
      /version 1 is still PENDING_REGISTRATION after 3 s .*rerun/
    )
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(3000)
  })

  it('does not reuse a FAILED_REGISTRATION version on a rerun', async () => {
    const { registry, run } = setup({ createModel: true })
    registry.statuses = [
      { status: 'PENDING_REGISTRATION' },
      { status: 'FAILED_REGISTRATION', message: 'boom' }
    ]
    await expect(run()).rejects.toThrow(/boom/)
    const again = await run()
    expect(again).toMatchObject({ version: '2', registered: true })
  })

  it('fails before any write when the run, the artifact path or the logged model is missing', async () => {
    for (const source of [
      `runs:/${'f'.repeat(32)}/model`,
      `runs:/${RUN_ID}/nope`,
      'models:/m-0123abcd',
      `mlflow-artifacts:/1/${RUN_ID}/artifacts/nope`
    ]) {
      const { registry, run } = setup({ createModel: true, source })
      const error = await run().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as Error).message).toMatch(/^'source' .*Nothing was registered\.$/)
      expect(registry.writes).toEqual([])
    }
  })

  it('lists what the run does have when the artifact path is wrong', async () => {
    const { run } = setup({ createModel: true, source: `runs:/${RUN_ID}/model/weights` })
    await expect(run()).rejects.toThrow(
      /no artifact at 'model\/weights' \(under 'model' it has: model\/MLmodel, model\/model.pkl\)/
    )
  })

  it('registers a logged model with its model id and the run it came from', async () => {
    const { registry, run } = setup({ createModel: true, source: 'models:/m-0123abcd' })
    registry.loggedModels.set('m-0123abcd', { runId: RUN_ID, status: 'LOGGED_MODEL_READY' })
    const result = await run()
    expect(result).toMatchObject({ registered: true, modelId: 'm-0123abcd', runId: RUN_ID })
    expect((await run()).registered).toBe(false)
  })

  it('refuses a logged model whose upload failed', async () => {
    const { registry, run } = setup({ createModel: true, source: 'models:/m-0123abcd' })
    registry.loggedModels.set('m-0123abcd', { status: 'LOGGED_MODEL_UPLOAD_FAILED' })
    await expect(run()).rejects.toThrow(/LOGGED_MODEL_UPLOAD_FAILED/)
    expect(registry.writes).toEqual([])
  })

  it('registers an artifact URI, finding its run from the proxied layout', async () => {
    const source = `mlflow-artifacts:/1/${RUN_ID}/artifacts/model`
    const { run } = setup({ createModel: true, source })
    expect(await run()).toMatchObject({ registered: true, runId: RUN_ID, source })
  })

  it('refuses an artifact URI outside the run given in source-run-id', async () => {
    const { registry, run } = setup({
      createModel: true,
      source: 's3://bucket/models/churn',
      runId: RUN_ID
    })
    await expect(run()).rejects.toThrow(/not inside the artifacts of run/)
    expect(registry.writes).toEqual([])
  })

  it('registers a storage URI it cannot see, with a warning, and finds it again by source alone', async () => {
    const { registry, run, logger } = setup({
      createModel: true,
      source: 's3://bucket/models/churn'
    })
    expect(await run()).toMatchObject({ registered: true, runId: '' })
    expect(logger.messages('warning').join()).toMatch(/cannot see s3: storage/)
    expect((await run()).registered).toBe(false)
    expect(registry.writes.filter(w => w.startsWith('create-version'))).toHaveLength(1)
  })

  it('names the permission a refused user needs, having written nothing else', async () => {
    const { registry, run } = setup()
    registry.addModel('churn')
    registry.denyCreateVersion = true
    await expect(run()).rejects.toThrow(/PERMISSION_DENIED: .*Registering needs EDIT/)
    expect(registry.versionsOf('churn')).toEqual([])
  })

  it('refuses malformed lineage values, naming the input', async () => {
    const { registry, run } = setup({ createModel: true, lineage: { lockSha256: 'abc' } })
    await expect(run()).rejects.toThrow(/'lock-sha256' is 'abc'; expected 64 hex/)
    expect(registry.writes).toEqual([])
  })

  it('prefers the git-commit input over GITHUB_SHA and accepts a .dir model md5', async () => {
    const commit = 'e'.repeat(40)
    const { run } = setup({
      createModel: true,
      lineage: { gitCommit: commit, modelMd5: `${MD5}.dir` }
    })
    const result = await run()
    expect(result.tags['model_governance.registration.git_commit']).toBe(commit)
    expect(result.tags['model_governance.registration.model_md5']).toBe(`${MD5}.dir`)
    expect(result.tags).not.toHaveProperty('model_governance.registration.dvc_lock_sha256')
  })
})

describe('registerCandidate dry run', () => {
  it('checks everything, says what it would register, and writes nothing', async () => {
    const { registry, run, logger } = setup({ createModel: true, dryRun: true })
    const result = await run()
    expect(result).toMatchObject({
      dryRun: true,
      registered: false,
      version: '',
      createdModel: false
    })
    expect(result.tags['model_governance.registration.dvc_lock_sha256']).toBe(LOCK)
    expect(registry.writes).toEqual([])
    expect(logger.messages('info').join()).toMatch(
      /Dry run: would register .* \(creating the registered model\)/
    )
  })

  it('still fails on a missing source', async () => {
    const { registry, run } = setup({
      createModel: true,
      dryRun: true,
      source: `runs:/${RUN_ID}/nope`
    })
    await expect(run()).rejects.toThrow(ConfigurationError)
    expect(registry.writes).toEqual([])
  })

  it('reports the version an earlier run registered', async () => {
    const { registry, run } = setup({ createModel: true })
    await run()
    const dry = await registerCandidate(
      {
        model: 'churn',
        source: `runs:/${RUN_ID}/model`,
        createModel: false,
        lineage: {},
        tagPrefix: 'p.',
        timeoutMs: 1000,
        dryRun: true
      },
      { registry, run: RUN, clock: fakeClock(1_800_000_000_000), logger: new MemoryLogger() }
    )
    expect(dry).toMatchObject({ version: '1', registered: false })
    expect(registry.writes.filter(w => w.startsWith('create-version'))).toHaveLength(1)
  })
})

describe('registration outputs and summary', () => {
  it('sets version, registered, model-uri, run-id, source and changed', async () => {
    const { run } = setup({ createModel: true })
    const first = promoteOutputs({ kind: 'registered', registration: await run() })
    expect(first).toEqual({
      version: '1',
      registered: 'true',
      'model-uri': 'models:/churn/1',
      'run-id': RUN_ID,
      source: `runs:/${RUN_ID}/model`,
      changed: 'true'
    })
    const second = await run()
    expect(promoteOutputs({ kind: 'registered', registration: second })).toMatchObject({
      version: '1',
      registered: 'false',
      changed: 'false'
    })
    expect(registrationSummary(second)).toMatch(/version 1 was already registered from this source/)
  })

  it('lists the lineage tags in the summary', async () => {
    const { run } = setup({ createModel: true })
    const summary = registrationSummary(await run())
    expect(summary).toMatch(/^### Registered 'churn' version 1/)
    expect(summary).toContain(`| model_governance.registration.dvc_lock_sha256 | \`${LOCK}\` |`)
  })
})
