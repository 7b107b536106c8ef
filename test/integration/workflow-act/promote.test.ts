import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAct, suiteCopy, type ActResult } from '../../harness/act.js'
import { runDist } from '../../harness/dist-runner.js'
import { startGithubFake, type FakeReview, type GithubFake } from '../../harness/github-fake.js'
import { dumpModel, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { adaptiveCardProblems } from '../../harness/platform-checks.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../harness/webhook-receiver.js'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { actProject, POLICY, type ActProject } from './project.js'

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
let receiver: WebhookReceiver
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
  receiver = await startWebhookReceiver()
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
  await receiver?.close()
})

async function dispatch(
  workflow: 'promote.yml' | 'rollback.yml' | 'promote-pulled.yml',
  inputs: Record<string, string>,
  reviews: FakeReview[] = [],
  secrets: Record<string, string> = {}
): Promise<ActResult> {
  const id = String(runId++)
  // act does not wait on environments, so the reviews are given before the run, as GitHub would
  // take them once the run's sign-off jobs wait on their environments (pending deployments)...
  const waiting = [...new Set(reviews.map(r => r.environment ?? 'production'))]
  github.setPendingDeployments(REPOSITORY, id, waiting)
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
      MLFLOW_READ_TOKEN: 'registry-read-token',
      ...secrets
    },
    runId: id,
    actor: 'dana',
    githubApi: github.uri,
    github
  })
  // ...and the run must show each of those jobs reached its environment, or the stand-in was
  // told of a pending deployment GitHub would never have had.
  for (const environment of waiting)
    if (!result.output.includes(`signed off through environment ${environment}`))
      throw new Error(
        `run ${id} was given reviews of ${environment}, but no job of it reached that environment`
      )
  return result
}

const VALIDATE = 'Validate lineage and metrics'
const PROMOTE = 'Promote (approval required by the environment)'
const AUDIT = 'Record in the audit log'

/** The run's job results, with the end of act's log when an expectation fails. */
const outcome = (run: ActResult) => ({ jobs: run.jobs, tail: run.output.slice(-4000) })

describe('model-approval.yml in act', () => {
  it('promotes to Staging on a clean clone with no DVC data, lineage verified through the registered artifact', async () => {
    const run = await dispatch('promote.yml', { model_version: '1', target_stage: 'Staging' })
    expect(outcome(run)).toMatchObject({
      jobs: { [VALIDATE]: 'success', [PROMOTE]: 'success', [AUDIT]: 'success' }
    })
    expect(run.output).toMatch(
      /compared file 'model\.bin' inside the registered artifact directory/
    )
    expect(stagesNow()['1']).toBe('Staging')
    expect(auditLines().at(-1)).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version: '1',
      to: 'Staging'
    })
    // No webhook secret was passed: the notify steps were skipped, nothing was posted.
    expect(run.output).not.toMatch(/Posted the (approval request|outcome)/)
    expect(receiver.received).toEqual([])
  })

  it('with dvc-pull, pulls the data from the DVC remote and verifies every dependency and output', async () => {
    const run = await dispatch('promote-pulled.yml', {
      model_version: '1',
      target_stage: 'Staging'
    })
    expect(outcome(run)).toMatchObject({ jobs: { [VALIDATE]: 'success', [AUDIT]: 'success' } })
    expect(run.output).toMatch(/Pulled the pipeline's data with/)
    const report = /::set-output:: report=(.*)$/m.exec(run.output)?.[1]
    const entries = (
      JSON.parse(report!) as { stages: { entries: { status: string }[] }[] }
    ).stages.flatMap(s => s.entries)
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.filter(e => e.status !== 'unchanged')).toEqual([])
    expect(stagesNow()['1']).toBe('Staging')
  })

  it('promotes to Production once both roles signed off, each through its own environment, and notifies Slack and Teams before and after', async () => {
    // What GitHub had been asked when each notification arrived: the run's approvals are read
    // only by the promote job, which starts after every environment approved.
    const thisRun = String(runId)
    const approvalReads = (): number =>
      github.requests.filter(r => r.path.endsWith(`/actions/runs/${thisRun}/approvals`)).length
    const seen: { path: string; approvalReads: number }[] = []
    receiver.onRequest = r => seen.push({ path: r.path, approvalReads: approvalReads() })
    const slack = `${receiver.uri}/slack/services/T0ACT/B0ACT/act-secret-token`
    const teams = `${receiver.uri}/teams/workflows/act?sig=act-secret-sig`
    const run = await dispatch(
      'promote.yml',
      { model_version: '1', target_stage: 'Production', justification: 'beats the baseline' },
      [
        { login: 'alice', state: 'approved', environment: 'production-ds' },
        { login: 'bob', state: 'approved', environment: 'production-ops' }
      ],
      { SLACK_WEBHOOK_URL: slack, TEAMS_WEBHOOK_URL: teams }
    )
    receiver.onRequest = undefined
    expect(outcome(run)).toMatchObject({ jobs: { [PROMOTE]: 'success', [AUDIT]: 'success' } })
    expect(run.output).toMatch(
      /Role data-science-lead signed off through environment production-ds/
    )
    expect(run.output).toMatch(/Role mlops-engineer signed off through environment production-ops/)
    expect(stagesNow()['1']).toBe('Production')
    const entry = auditLines().at(-1)!
    expect(entry).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version: '1',
      to: 'Production',
      reason: 'beats the baseline'
    })
    expect(entry.approvals).toEqual([
      expect.objectContaining({
        login: 'alice',
        role: 'data-science-lead',
        environments: ['production-ds']
      }),
      expect.objectContaining({
        login: 'bob',
        role: 'mlops-engineer',
        environments: ['production-ops']
      })
    ])

    // The approval request reached Slack and Teams before anything read the approvals, the
    // outcome after the audit job recorded them; each accepted (Slack 200, Teams 202).
    const slackPath = new URL(slack).pathname
    const teamsPath = new URL(teams).pathname
    expect(
      seen.map(s => [s.path.startsWith(slackPath) ? 'slack' : 'teams', s.approvalReads > 0])
    ).toEqual([
      ['slack', false],
      ['teams', false],
      ['slack', true],
      ['teams', true]
    ])
    const [request, ended] = receiver.to(slackPath)
    expect([request!.status, ended!.status]).toEqual([200, 200])
    const requestText = JSON.stringify(request!.body)
    expect(requestText).toContain(`"text":"Approval requested: ${model} v1 → Production"`)
    expect(requestText).toContain('data-science-lead: environment production-ds, approvers alice')
    expect(requestText).toContain('*Metric gate: passed')
    // lineage-check's report carries its level: the request heads the lineage with it.
    expect(requestText).toMatch(/\*DVC lineage: verified, level [1-4]\*/)
    expect(requestText).toMatch(/Lineage level [1-4]: /)
    expect(requestText).toContain('"url":"https://github.com/acme/models/actions/runs/')
    const outcomeText = JSON.stringify(ended!.body)
    expect(outcomeText).toContain(`"text":"Promoted: ${model} v1 → Production"`)
    expect(outcomeText).toContain('*Reviews: approved by alice, bob*')
    const auditCommit = project.git('--git-dir', project.remote, 'rev-parse', 'main')
    expect(outcomeText).toContain(`"url":"https://github.com/acme/models/commit/${auditCommit}"`)
    for (const card of receiver.to(teamsPath)) {
      expect(card.status).toBe(202)
      const attachment = (card.body as { attachments: { contentType: string; content: unknown }[] })
        .attachments[0]!
      expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive')
      expect(adaptiveCardProblems(attachment.content)).toEqual([])
    }
    expect(run.output).not.toContain('act-secret-token')
    expect(run.output).not.toContain('act-secret-sig')
  })

  it('audits a gate failure with the version that failed, and leaves the registry as it was', async () => {
    const before = stagesNow()
    const run = await dispatch('promote.yml', { model_version: '3', target_stage: 'Staging' })
    expect(outcome(run)).toMatchObject({ jobs: { [VALIDATE]: 'failure', [AUDIT]: 'success' } })
    expect(auditLines().at(-1)).toMatchObject({
      event: 'gate-failed',
      outcome: 'failure',
      version: '3',
      to: 'Staging'
    })
    expect(stagesNow()).toEqual(before)
  })

  it('audits a lineage failure: the version was trained at a commit this repository never had', async () => {
    const before = stagesNow()
    const run = await dispatch('promote.yml', { model_version: '4', target_stage: 'Staging' })
    expect(outcome(run)).toMatchObject({ jobs: { [VALIDATE]: 'failure', [AUDIT]: 'success' } })
    expect(auditLines().at(-1)).toMatchObject({ event: 'lineage-failed', version: '4' })
    expect(stagesNow()).toEqual(before)
  })

  it('audits a rejection by one role, and changes nothing', async () => {
    expect(
      (await dispatch('promote.yml', { model_version: '2', target_stage: 'Staging' })).jobs[AUDIT]
    ).toBe('success')
    const before = stagesNow()
    const run = await dispatch(
      'promote.yml',
      { model_version: '2', target_stage: 'Production', justification: 'faster' },
      [
        { login: 'alice', state: 'approved', environment: 'production-ds' },
        {
          login: 'bob',
          state: 'rejected',
          comment: 'not during the freeze',
          environment: 'production-ops'
        }
      ]
    )
    expect(outcome(run)).toMatchObject({ jobs: { [PROMOTE]: 'failure', [AUDIT]: 'success' } })
    expect(run.output).toMatch(/Rejected by: bob/)
    expect(auditLines().at(-1)).toMatchObject({
      event: 'approval-rejected',
      outcome: 'failure',
      version: '2'
    })
    expect(stagesNow()).toEqual(before)
  })

  it('rolls Production back to the version the verified AUDIT.log shows holding it before', async () => {
    const signed: FakeReview[] = [
      { login: 'alice', state: 'approved', environment: 'production-ds' },
      { login: 'bob', state: 'approved', environment: 'production-ops' }
    ]
    const promoted = await dispatch(
      'promote.yml',
      { model_version: '2', target_stage: 'Production', justification: 'faster' },
      signed
    )
    expect(outcome(promoted)).toMatchObject({ jobs: { [PROMOTE]: 'success' } })
    expect(stagesNow()).toMatchObject({ 1: 'Archived', 2: 'Production' })
    const run = await dispatch(
      'rollback.yml',
      { target_stage: 'Production', justification: 'latency regression' },
      signed
    )
    expect(outcome(run)).toMatchObject({ jobs: { [PROMOTE]: 'success', [AUDIT]: 'success' } })
    expect(stagesNow()).toMatchObject({ 1: 'Production', 2: 'Archived' })
    expect(auditLines().at(-1)).toMatchObject({
      event: 'rollback',
      outcome: 'success',
      version: '1',
      previous_version: '2',
      to: 'Production'
    })
  })

  it('refuses a dispatch from a branch that is not the default branch, whatever policy the branch holds', async () => {
    const before = stagesNow()
    const lines = auditLines().length
    project.git('checkout', '-q', '-b', 'weaker-policy')
    writeFileSync(
      path.join(project.repo, '.github', 'model-governance.yml'),
      POLICY.replace(/requires_approval: true[\s\S]*$/, 'requires_approval: false\n')
    )
    project.git('commit', '-q', '-am', 'Production without approval')
    project.git('push', '-q', project.remote, 'weaker-policy')
    try {
      const run = await dispatch('promote.yml', {
        model_version: '2',
        target_stage: 'Production',
        justification: 'no review'
      })
      expect(outcome(run)).toMatchObject({ jobs: { [VALIDATE]: 'failure', [AUDIT]: 'success' } })
      expect(run.output).toMatch(/ref is refs\/heads\/weaker-policy, not the default branch main/)
    } finally {
      project.git('checkout', '-q', 'main')
    }
    expect(stagesNow()).toEqual(before)
    expect(auditLines()).toHaveLength(lines + 1)
    expect(auditLines().at(-1)).toMatchObject({ event: 'error', outcome: 'failure', version: '2' })
  })
})
