import { beforeAll, describe, expect, it } from '@jest/globals'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { dumpModels, seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'

interface Dumped {
  versions: { version: string; stage: string; source: string; run_id: string; tags: Record<string, string> }[]
}

const GITHUB_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '909',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SHA: 'feedfacefeedfacefeedfacefeedfacefeedface',
  GITHUB_SERVER_URL: 'https://github.com'
}
const LOCK = 'ab'.repeat(32)
const MD5 = 'cd'.repeat(16)

/**
 * Registration through the bundle, as the Actions runner runs it, on Node 20 and Node 24: register
 * with lineage then promote, an idempotent rerun, register only, and a missing source.
 */
describe('dist/promote-model: registering candidates', () => {
  const { mlflow } = harness()
  const models = Object.fromEntries(NODE_VERSIONS.map(n => [n, uniqueName(`reg-dist-${n}`)]))
  const onlyModel = uniqueName('reg-dist-only')
  let runId: string

  beforeAll(() => {
    const [run] = seed(mlflow.uri, [{ op: 'run', experiment: 'registration-dist' }])
    runId = run!.run_id!
  })

  const inputs = (model: string, extra: Record<string, string> = {}): Record<string, string> => ({
    'model-name': model,
    source: `runs:/${runId}/model`,
    'create-model': 'true',
    'lock-sha256': LOCK,
    'model-md5': MD5,
    'tracking-uri': mlflow.uri,
    ...extra
  })

  it.each(NODE_VERSIONS)('%s: registers with lineage, then promotes the candidate to Staging', async node => {
    const res = await runDist('promote-model', inputs(models[node]!, { stage: 'Staging' }), { node, env: GITHUB_ENV })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({
      version: '1',
      registered: 'true',
      stage: 'Staging',
      changed: 'true',
      'run-id': runId,
      source: `runs:/${runId}/model`,
      'model-uri': `models:/${models[node]}/1`
    })
    expect(res.summary).toMatch(/### Registered '.*' version 1/)
    expect(res.summary).toContain(`| model_governance.registration.dvc_lock_sha256 | \`${LOCK}\` |`)
  })

  it.each(NODE_VERSIONS)('%s: a rerun finds the version, registers nothing and changes nothing', async node => {
    const res = await runDist('promote-model', inputs(models[node]!, { stage: 'Staging' }), { node, env: GITHUB_ENV })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({ version: '1', registered: 'false', changed: 'false' })
    expect(res.all).toMatch(/Already registered: '.*' version 1 comes from runs:\/.*no new version created/)
  })

  it('registers only, leaving the candidate in None, when no stage or alias is given', async () => {
    const res = await runDist('promote-model', inputs(onlyModel), { env: GITHUB_ENV })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({ version: '1', registered: 'true', changed: 'true' })
  })

  it('fails on a source that does not exist, with one error naming the input, and creates nothing', async () => {
    const missing = uniqueName('reg-dist-missing')
    const res = await runDist('promote-model', inputs(missing, { source: `runs:/${runId}/no-model-here` }), { env: GITHUB_ENV })
    expect(res.code).toBe(1)
    const errors = res.commands.filter(c => c.command === 'error').map(c => c.message)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Input 'source' \(runs:\/.*\/no-model-here\): run '.*' has no artifact at 'no-model-here'.*Nothing was registered\.$/)
    const lookup = await fetch(`${mlflow.uri}/api/2.0/mlflow/registered-models/get?name=${missing}`)
    expect(lookup.status).toBe(404)
  })

  it('dry run with a source checks it and registers nothing', async () => {
    const model = uniqueName('reg-dist-dry')
    const res = await runDist('promote-model', inputs(model, { 'dry-run': 'true', stage: 'Staging' }), {
      env: GITHUB_ENV
    })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({ version: '', registered: 'false', changed: 'false' })
    expect(res.summary).toMatch(/Dry run: would register a new version of/)
    const lookup = await fetch(`${mlflow.uri}/api/2.0/mlflow/registered-models/get?name=${model}`)
    expect(lookup.status).toBe(404)
  })

  it('refuses source together with version, naming the inputs', async () => {
    const res = await runDist('promote-model', inputs(onlyModel, { version: '1' }), { env: GITHUB_ENV })
    expect(res.code).toBe(1)
    expect(res.commands.filter(c => c.command === 'error').map(c => c.message)).toEqual([
      "Input 'source' registers a new version and promotes that one; leave version empty and rollback false with it."
    ])
  })

  it("shows the end state through MLflow's Python client: one version each, in the stage asked for, with its lineage", () => {
    const dumps = dumpModels(mlflow.uri, [...Object.values(models), onlyModel]) as Record<string, Dumped>
    for (const node of NODE_VERSIONS) {
      const versions = dumps[models[node]!]!.versions
      expect(versions.map(v => [v.version, v.stage, v.run_id])).toEqual([['1', 'Staging', runId]])
      expect(versions[0]!.tags).toMatchObject({
        'model_governance.registration.git_commit': GITHUB_ENV.GITHUB_SHA,
        'model_governance.registration.dvc_lock_sha256': LOCK,
        'model_governance.registration.model_md5': MD5,
        'model_governance.registration.run_url': 'https://github.com/acme/models/actions/runs/909/attempts/1',
        'model_governance.registration.actor': 'octocat',
        // the promotion's own tags sit beside the lineage, not over it
        'model_governance.promoted_by': 'octocat'
      })
    }
    expect(dumps[onlyModel]!.versions.map(v => [v.version, v.stage])).toEqual([['1', 'None']])
  })
})
