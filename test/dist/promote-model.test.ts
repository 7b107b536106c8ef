import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { startGithubFake, type GithubFake } from '../harness/github-fake.js'
import { OUTPUT } from '../harness/paths.js'
import { dumpModels, seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'

interface Dumped {
  versions: { version: string; stage: string; tags: Record<string, string> }[]
  aliases: Record<string, string>
}

const GITHUB_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '777',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SHA: 'feedfacefeedfacefeedfacefeedfacefeedface',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com'
}

/** Lines that show a secret other than the runner's own ::add-mask:: commands, which consume it. */
function leaks(all: string, secret: string): string[] {
  return all.split('\n').filter(line => line.includes(secret) && !line.startsWith('::add-mask::'))
}

const APPROVAL_POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    approvers: [alice, bob]
`

/** The bundle run as the Actions runner runs it, on Node 20 and Node 24, against the real servers. */
describe('dist/promote-model', () => {
  const { mlflow, auth } = harness()
  const models = Object.fromEntries(NODE_VERSIONS.map(n => [n, { plain: uniqueName(`pm-dist-${n}`), approval: uniqueName(`pm-dista-${n}`) }]))
  const authModel = uniqueName('pm-dist-auth')
  const adminEnv = { MLFLOW_TRACKING_USERNAME: auth.admin.username, MLFLOW_TRACKING_PASSWORD: auth.admin.password }
  let github: GithubFake
  let workspace: string

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', { reviewers: ['alice', 'bob'], preventSelfReview: true, branchPolicy: 'protected' })
    // The promote job of run 777 waits on production (GitHub's pending deployment), so it can be reviewed.
    github.setPendingDeployments('acme/models', '777', ['production'])
    github.setApprovals('acme/models', '777', [{ login: 'alice', state: 'approved' }])
    mkdirSync(path.join(OUTPUT, 'promote-dist'), { recursive: true })
    workspace = mkdtempSync(path.join(OUTPUT, 'promote-dist', 'ws-'))
    mkdirSync(path.join(workspace, '.github'), { recursive: true })
    writeFileSync(path.join(workspace, '.github', 'model-governance.yml'), APPROVAL_POLICY)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-dist' },
      ...Object.values(models).flatMap(m => [
        { op: 'register', name: m.plain, run: 0 },
        { op: 'register', name: m.plain, run: 0 },
        { op: 'transition', name: m.plain, version: '1', stage: 'Production' },
        { op: 'transition', name: m.plain, version: '2', stage: 'Staging' },
        { op: 'register', name: m.approval, run: 0 },
        { op: 'transition', name: m.approval, version: '1', stage: 'Staging' }
      ])
    ])
    seed(auth.uri, [{ op: 'run', experiment: 'promote-model-dist' }, { op: 'register', name: authModel, run: 0 }], adminEnv)
  })

  afterAll(async () => {
    await github.close()
  })

  it.each(NODE_VERSIONS)('%s: promotes with archiving, sets every output and writes the summary table', async node => {
    const model = models[node]!.plain
    const res = await runDist(
      'promote-model',
      { 'model-name': model, version: 'stage:Staging', stage: 'Production', 'tracking-uri': mlflow.uri },
      { node, env: GITHUB_ENV }
    )
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({
      version: '2',
      'previous-version': '1',
      stage: 'Production',
      alias: '',
      'model-uri': `models:/${model}/2`,
      'archived-versions': '["1"]',
      changed: 'true'
    })
    expect(res.outputs['run-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(res.outputs.source).toBeTruthy()
    expect(Number(res.outputs['propagation-ms'])).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(res.outputs.result!)).toMatchObject({ version: '2', previous_version: '1', changed: true, timings_ms: { total: expect.any(Number) } })
    expect(res.summary).toContain('| version | stage before | stage after | aliases before | aliases after |')
    expect(res.summary).toContain('| 1 | Production | Archived | - | - |')
    expect(res.summary).toContain('| 2 | Staging | Production | - | - |')
  })

  it.each(NODE_VERSIONS)('%s: reads approvals from GITHUB_API_URL and records the approvers', async node => {
    const model = models[node]!.approval
    const res = await runDist(
      'promote-model',
      { 'model-name': model, version: '1', stage: 'Production', 'tracking-uri': mlflow.uri, 'github-token': 'ghs_dist_secret' },
      { node, env: { ...GITHUB_ENV, GITHUB_API_URL: github.uri }, workspace }
    )
    expect(res.code).toBe(0)
    expect(JSON.parse(res.outputs.result!)).toMatchObject({ approved_by: ['alice'] })
    expect(github.requests.map(r => r.path)).toContain('/repos/acme/models/environments/production')
    expect(leaks(res.all, 'ghs_dist_secret')).toEqual([])
    expect(res.commands).toContainEqual({ command: 'add-mask', properties: '', message: 'ghs_dist_secret' })
    expect(res.summary).toContain('Approved by: alice')
  })

  it('fails on a missing input with one error naming it', async () => {
    const res = await runDist('promote-model', { version: '1', stage: 'Staging', 'tracking-uri': mlflow.uri })
    expect(res.code).toBe(1)
    expect(res.commands.filter(c => c.command === 'error').map(c => c.message)).toEqual([
      "Input 'model-name' is required but was not set."
    ])
  })

  it('masks the tracking password on the basic-auth server, and refuses a stage skip without writing', async () => {
    const res = await runDist(
      'promote-model',
      {
        'model-name': authModel,
        version: '1',
        stage: 'Production',
        'tracking-uri': auth.uri,
        'tracking-username': auth.admin.username,
        'tracking-password': auth.admin.password
      },
      { env: GITHUB_ENV }
    )
    expect(res.code).toBe(1)
    expect(leaks(res.all, auth.admin.password)).toEqual([])
    expect(res.commands).toContainEqual({ command: 'add-mask', properties: '', message: auth.admin.password })
    const [error] = res.commands.filter(c => c.command === 'error')
    expect(error?.message).toMatch(/moving it to Production skips Staging.*Nothing was changed in the registry/)
  })

  it("shows the end states through MLflow's Python client", () => {
    const dumped = dumpModels(mlflow.uri, Object.values(models).flatMap(m => [m.plain, m.approval])) as Record<string, Dumped>
    for (const node of NODE_VERSIONS) {
      const plain = dumped[models[node]!.plain]!
      expect(plain.versions.map(v => v.stage)).toEqual(['Archived', 'Production'])
      expect(plain.versions[1]!.tags).toMatchObject({
        'model_governance.promoted_by': 'octocat',
        'model_governance.git_commit': GITHUB_ENV.GITHUB_SHA,
        'model_governance.run_url': 'https://github.com/acme/models/actions/runs/777/attempts/1',
        'model_governance.previous.stage.Production': '1'
      })
      const approved = dumped[models[node]!.approval]!
      expect(approved.versions[0]!.stage).toBe('Production')
      expect(approved.versions[0]!.tags['model_governance.approved_by']).toBe('alice')
    }
  })
})
