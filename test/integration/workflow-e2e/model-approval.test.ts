import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { runDist } from '../../harness/dist-runner.js'
import { startGithubFake, type FakeReview, type GithubFake } from '../../harness/github-fake.js'
import { ROOT } from '../../harness/paths.js'
import { dumpModel, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { loadRunner, type JobRecord } from './local-runner.js'
import { sampleProject, stepPath, type SampleProject } from './project.js'

/**
 * The reusable workflow, job by job and step by step, as GitHub would run it: each `$/<action>`
 * step runs the real bundle (runDist) with the `with:` that model-approval.yml gives it, evaluated
 * against the run's inputs, needs, steps and secrets; `run:` steps run in bash. Against the real
 * MLflow server, a real DVC project and a real bare git remote; only GitHub's approvals API is a
 * local fake.
 */
const workflow = yaml.load(
  readFileSync(path.join(ROOT, '.github/workflows/model-approval.yml'), 'utf8')
)
const actionSpec = (name: string): { inputs?: Record<string, { default?: unknown }> } =>
  yaml.load(readFileSync(path.join(ROOT, name, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>
  }

interface Stage {
  version: string
  stage: string
}
const stages = (dump: unknown): Stage[] =>
  (dump as { versions: { version: string; stage: string }[] }).versions.map(v => ({
    version: v.version,
    stage: v.stage
  }))

let fake: GithubFake
let project: SampleProject
let uri: string
const model = uniqueName('wf-e2e')
let runId = 5000

/** What promote-model reported when it registered each candidate (index 0 is v1). */
const registrations: { version: string; registered: string; runId: string }[] = []
let lineage: Record<string, string>

beforeAll(async () => {
  uri = harness().mlflow.uri
  fake = await startGithubFake()
  project = sampleProject()
  const commit = project.git('rev-parse', 'HEAD')
  const tags = { 'mlflow.source.git.commit': commit }
  // The training runs, each with its model logged under `model`; v1 and v2 will pass the gates,
  // v3 fails the accuracy gate.
  const runs = seed(uri, [
    { op: 'run', experiment: 'workflow-e2e', metrics: { accuracy: 0.9 }, tags },
    { op: 'run', experiment: 'workflow-e2e', metrics: { accuracy: 0.95 }, tags },
    { op: 'run', experiment: 'workflow-e2e', metrics: { accuracy: 0.5 }, tags }
  ])
  // The suite registers the candidates itself: lineage-check first, then promote-model with
  // source and the lineage it reported.
  const check = await runDist('lineage-check', {}, { workspace: project.workspace })
  if (check.code !== 0) throw new Error(`lineage-check failed:\n${check.stdout}`)
  lineage = check.outputs
  for (const [i, run] of runs.entries()) {
    const registration = await runDist(
      'promote-model',
      {
        'model-name': model,
        source: `runs:/${run.run_id!}/model`,
        'create-model': i === 0 ? 'true' : 'false',
        'git-commit': lineage['git-commit'],
        'lock-sha256': lineage['lock-sha256'],
        'model-md5': lineage['model-md5'],
        'tracking-uri': uri
      },
      { workspace: project.workspace }
    )
    if (registration.code !== 0)
      throw new Error(`promote-model registration failed:\n${registration.stdout}`)
    registrations.push({
      version: registration.outputs.version!,
      registered: registration.outputs.registered!,
      runId: run.run_id!
    })
  }
  // v1 and v2 start in Staging.
  seed(uri, [
    { op: 'transition', name: model, version: '1', stage: 'Staging', archive: false },
    { op: 'transition', name: model, version: '2', stage: 'Staging', archive: false }
  ])
}, 180_000)

afterAll(async () => {
  await fake?.close()
})

async function approvalRun(inputs: Record<string, string | boolean>, reviews: FakeReview[]) {
  runId += 1
  project.git('fetch', '-q', 'origin')
  const sha = project.git('rev-parse', 'origin/main')
  fake.setApprovals('acme/models', String(runId), reviews)
  const github = {
    sha,
    ref: 'refs/heads/main',
    repository: 'acme/models',
    actor: 'dana',
    run_id: String(runId),
    token: 'ghs_e2e-token',
    event_name: 'workflow_dispatch'
  }
  const env = {
    PATH: stepPath,
    HOME: process.env.HOME,
    GITHUB_SHA: sha,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: github.repository,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'dana',
    GITHUB_TRIGGERING_ACTOR: 'dana',
    GITHUB_API_URL: fake.uri,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW_REF: 'acme/models/.github/workflows/promote.yml@refs/heads/main',
    GITHUB_EVENT_NAME: 'workflow_dispatch'
  }
  const environments: string[] = []
  const { runWorkflow } = await loadRunner()
  const result = await runWorkflow({
    workflow,
    actionSpec,
    inputs: { 'model-name': model, 'tracking-uri': uri, 'audit-commit-method': 'git', ...inputs },
    github,
    env,
    workspace: project.workspace,
    runAction: (action, given, options) =>
      runDist(action, given, { env: options.env, workspace: options.workspace }),
    checkout: ({ ref }) => {
      project.git('fetch', '-q', 'origin')
      project.git('checkout', '-q', '--detach', ref || sha)
      return Promise.resolve()
    },
    environmentGate: name => {
      environments.push(name)
      return Promise.resolve('approved' as const)
    }
  })
  return { ...result, environments }
}

/** The last line AUDIT.log has on the remote's main branch. */
function lastAuditEntry(): Record<string, unknown> {
  const text = project.git('--git-dir', project.remote, 'show', 'main:AUDIT.log')
  return JSON.parse(text.trim().split('\n').pop()!) as Record<string, unknown>
}

function auditOutcome(jobs: Record<string, JobRecord>): Record<string, string> {
  return jobs.audit!.steps.find(s => s.id === 'event')!.outputs
}

describe('model-approval.yml end to end', () => {
  it('registers each candidate with promote-model, its lineage recorded on the version', () => {
    expect(registrations.map(r => [r.version, r.registered])).toEqual([
      ['1', 'true'],
      ['2', 'true'],
      ['3', 'true']
    ])
    expect(lineage['git-commit']).toBe(project.git('rev-parse', 'HEAD'))
    const versions = (
      dumpModel(uri, model) as {
        versions: { version: string; run_id: string; tags: Record<string, string> }[]
      }
    ).versions
    expect(versions.map(v => [v.version, v.run_id])).toEqual(
      registrations.map(r => [r.version, r.runId])
    )
    for (const v of versions) {
      expect(v.tags).toMatchObject({
        'model_governance.registration.git_commit': lineage['git-commit'],
        'model_governance.registration.dvc_lock_sha256': lineage['lock-sha256'],
        'model_governance.registration.model_md5': lineage['model-md5']
      })
      expect(v.tags['model_governance.registration.at']).toBeTruthy()
    }
  })

  it('promotes to Production after the gate, the lineage check and an approval, and audits it', async () => {
    const run = await approvalRun(
      { version: '1', 'target-stage': 'Production', justification: 'First production model' },
      [{ login: 'alice', state: 'approved', comment: 'looks good', environment: 'production' }]
    )
    expect(Object.fromEntries(Object.entries(run.jobs).map(([n, j]) => [n, j.result]))).toEqual({
      validate: 'success',
      promote: 'success',
      audit: 'success'
    })
    expect(run.environments).toEqual(['production'])
    expect(stages(dumpModel(uri, model))).toEqual([
      { version: '1', stage: 'Production' },
      { version: '2', stage: 'Staging' },
      { version: '3', stage: 'None' }
    ])
    const entry = lastAuditEntry()
    const lock = readFileSync(path.join(project.workspace, 'dvc.lock'))
    expect(entry).toMatchObject({
      event: 'promote',
      outcome: 'success',
      model,
      version: '1',
      from: 'Staging',
      to: 'Production',
      reason: 'First production model',
      run_id: String(runId),
      approvals: [
        { login: 'alice', state: 'approved', comment: 'looks good', environments: ['production'] }
      ],
      lineage: { lock_sha256: createHash('sha256').update(lock).digest('hex'), verified: true },
      metrics: { accuracy: 0.9 }
    })
  })

  it('audits a gate failure and leaves the registry untouched', async () => {
    const before = dumpModel(uri, model)
    const run = await approvalRun(
      { version: '3', 'target-stage': 'Production', justification: 'try v3' },
      [{ login: 'alice', state: 'approved', environment: 'production' }]
    )
    expect([run.jobs.validate!.result, run.jobs.promote!.result, run.jobs.audit!.result]).toEqual([
      'failure',
      'skipped',
      'success'
    ])
    expect(auditOutcome(run.jobs)).toEqual({ event: 'gate-failed', outcome: 'failure' })
    expect(dumpModel(uri, model)).toEqual(before)
    const entry = lastAuditEntry()
    expect(entry).toMatchObject({
      event: 'gate-failed',
      outcome: 'failure',
      version: '3',
      to: 'Production'
    })
    expect(JSON.stringify(entry.gates)).toMatch(/"verdict":"fail"/)
  })

  it('audits a rejected approval and leaves the registry untouched', async () => {
    const before = dumpModel(uri, model)
    const run = await approvalRun(
      { version: '2', 'target-stage': 'Production', justification: 'v2 is better' },
      [
        {
          login: 'bob',
          state: 'rejected',
          comment: 'not during the freeze',
          environment: 'production'
        }
      ]
    )
    expect([run.jobs.validate!.result, run.jobs.promote!.result]).toEqual(['success', 'failure'])
    expect(run.jobs.promote!.steps.find(s => s.id === 'approval')!.outcome).toBe('failure')
    expect(run.jobs.promote!.steps.find(s => s.id === 'promote')!.outcome).toBe('skipped')
    expect(auditOutcome(run.jobs)).toEqual({ event: 'approval-rejected', outcome: 'failure' })
    expect(dumpModel(uri, model)).toEqual(before)
    expect(lastAuditEntry()).toMatchObject({
      event: 'approval-rejected',
      outcome: 'failure',
      version: '2',
      approvals: [{ login: 'bob', state: 'rejected', comment: 'not during the freeze' }]
    })
  })

  it('rolls Production back to the version that held it before, through the same approval', async () => {
    const promoted = await approvalRun(
      { version: '2', 'target-stage': 'Production', justification: 'v2 is better' },
      [{ login: 'bob', state: 'approved', environment: 'production' }]
    )
    expect(auditOutcome(promoted.jobs)).toEqual({ event: 'promote', outcome: 'success' })
    expect(stages(dumpModel(uri, model)).find(v => v.version === '2')!.stage).toBe('Production')

    const rollback = await approvalRun(
      { 'target-stage': 'Production', rollback: true, justification: 'v2 misbehaves' },
      [{ login: 'alice', state: 'approved', environment: 'production' }]
    )
    // The version given back already passed its checks; only the approval applies.
    expect(
      rollback.jobs.validate!.steps.filter(s => s.outcome !== 'skipped').map(s => s.id ?? s.name)
    ).not.toContain('lineage')
    expect(rollback.jobs.promote!.outputs).toMatchObject({
      version: '1',
      'previous-version': '2',
      changed: 'true'
    })
    expect(stages(dumpModel(uri, model))).toEqual([
      { version: '1', stage: 'Production' },
      { version: '2', stage: 'Archived' },
      { version: '3', stage: 'None' }
    ])
    expect(lastAuditEntry()).toMatchObject({
      event: 'rollback',
      outcome: 'success',
      version: '1',
      previous_version: '2',
      to: 'Production'
    })

    // The whole trail, as the workflow left it on the remote, verifies.
    project.git('checkout', '-q', '--detach', 'origin/main')
    project.git('fetch', '-q', 'origin')
    project.git('checkout', '-q', '--detach', 'origin/main')
    const verify = await runDist(
      'audit-log',
      { mode: 'verify', file: 'AUDIT.log' },
      { workspace: project.workspace }
    )
    expect(verify.outputs).toMatchObject({ valid: 'true', entries: '5' })
  })
})
