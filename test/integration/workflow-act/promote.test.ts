import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAct, suiteCopy, type ActResult } from '../../harness/act.js'
import { runDist } from '../../harness/dist-runner.js'
import { startGithubFake, type FakeReview, type GithubFake } from '../../harness/github-fake.js'
import { dumpModel, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { actProject, type ActProject } from './project.js'

/**
 * The example callers (examples/workflows/promote.yml, rollback.yml) calling model-approval.yml,
 * end to end in nektos/act: the real bundles, the real MLflow server, real DVC and a bare git
 * remote. Every checkout is a clean clone with no DVC data, as actions/checkout gives. GitHub's
 * REST API (environments, approvals, the repository) is the strict stand-in; every bridge between
 * act and GitHub is in test/harness/act.ts. Each run is judged by AUDIT.log on the remote and by
 * the registry as MLflow's Python client reads it.
 */
const REPOSITORY = 'acme/models'
const model = uniqueName('act-e2e')
let project: ActProject
let github: GithubFake
let suite: string
let uri: string
let runId = 31000

interface Dumped {
  versions: { version: string; stage: string; tags: Record<string, string> }[]
}
const stagesNow = (): Record<string, string> =>
  Object.fromEntries((dumpModel(uri, model) as Dumped).versions.map(v => [v.version, v.stage]))

function auditLines(): Record<string, unknown>[] {
  const text = project.git('--git-dir', project.remote, 'show', 'main:AUDIT.log')
  return text
    .trim()
    .split('\n')
    .map(line => JSON.parse(line) as Record<string, unknown>)
}

beforeAll(async () => {
  uri = harness().mlflow.uri
  project = actProject(model)
  suite = suiteCopy()
  github = await startGithubFake()
  github.setRepository(REPOSITORY, { defaultBranch: 'main' })
  const rules = { preventSelfReview: true, branchPolicy: 'protected' as const }
  github.setEnvironment(REPOSITORY, 'staging', { branchPolicy: 'protected' })
  github.setEnvironment(REPOSITORY, 'production', { branchPolicy: 'protected' })
  github.setEnvironment(REPOSITORY, 'production-ds', { reviewers: ['alice'], ...rules })
  github.setEnvironment(REPOSITORY, 'production-ops', { reviewers: ['bob'], ...rules })
  const head = project.git('rev-parse', 'HEAD')
  const files = { 'model.bin': project.modelBytes.toString('base64') }
  const tags = { 'mlflow.source.git.commit': head }
  // v1, v2 pass the gate; v3 fails it; v4 was trained at a commit this repository never had.
  const runs = seed(uri, [
    { op: 'run', experiment: 'act-e2e', metrics: { accuracy: 0.9 }, tags, artifact: false, files },
    { op: 'run', experiment: 'act-e2e', metrics: { accuracy: 0.95 }, tags, artifact: false, files },
    { op: 'run', experiment: 'act-e2e', metrics: { accuracy: 0.5 }, tags, artifact: false, files },
    {
      op: 'run',
      experiment: 'act-e2e',
      metrics: { accuracy: 0.99 },
      tags: { 'mlflow.source.git.commit': 'f'.repeat(40) },
      artifact: false,
      files
    }
  ])
  for (const [i, run] of runs.entries()) {
    const registered = await runDist(
      'promote-model',
      {
        'model-name': model,
        source: `runs:/${run.run_id!}/model`,
        'create-model': String(i === 0),
        'tracking-uri': uri
      },
      { workspace: project.repo }
    )
    if (registered.code !== 0) throw new Error(`registration failed:\n${registered.stdout}`)
  }
}, 240_000)

afterAll(async () => {
  await github?.close()
})

async function dispatch(
  workflow: 'promote.yml' | 'rollback.yml',
  inputs: Record<string, string>,
  reviews: FakeReview[] = []
): Promise<ActResult> {
  const id = String(runId++)
  github.setApprovals(REPOSITORY, id, reviews)
  const result = await runAct({
    repo: project.repo,
    remote: project.remote,
    repository: REPOSITORY,
    workflow: `.github/workflows/${workflow}`,
    suite,
    inputs,
    vars: { MLFLOW_TRACKING_URI: uri },
    secrets: {
      MLFLOW_REGISTRY_TOKEN: 'registry-write-token',
      MLFLOW_READ_TOKEN: 'registry-read-token'
    },
    runId: id,
    actor: 'dana',
    githubApi: github.uri
  })
  return result
}

describe('model-approval.yml in act', () => {
  it('promotes to Staging on a clean clone with no DVC data, lineage verified through the registered artifact', async () => {
    const run = await dispatch('promote.yml', { model_version: '1', target_stage: 'Staging' })
    expect({ jobs: run.jobs, tail: run.output.slice(-3000) }).toMatchObject({
      jobs: { 'Validate lineage and metrics': 'success' }
    })
    expect(stagesNow()['1']).toBe('Staging')
    expect(auditLines().at(-1)).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version: '1',
      to: 'Staging'
    })
  })
})
