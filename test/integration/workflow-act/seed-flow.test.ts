import { execFileSync } from 'node:child_process'
import { appendFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAct, suiteCopy, type ActResult } from '../../harness/act.js'
import { startGithubFake, type FakeReview, type GithubFake } from '../../harness/github-fake.js'
import { ROOT } from '../../harness/paths.js'
import { dumpModel, runPythonJson, uniqueName } from '../../harness/python.js'
import type { ServerInfo } from '../../harness/servers.js'
import { harness } from '../../harness/state.js'
import { startMoto, startStoreMlflow, stopStore, type StoreProcess } from '../../harness/stores.js'
import { seedProject, type SeedProject } from './seed-project.js'

/**
 * Issue 27 "Seed flow", done through the example caller: the seed's own project and training
 * code (seed-project.ts: `dvc repro` runs `mlflow.sklearn.log_model`, then `git commit`, then
 * `create_model_version(source=f"runs:/{run_id}/model")`), governed by its .mlflow/config.yaml
 * named nowhere, promoted by examples/workflows/promote.yml calling model-approval.yml in
 * nektos/act with every check at its default, on a clean checkout with no DVC data. Once with
 * the harness's proxied server (mlflow-artifacts:), once with a server that gives runs the S3
 * store's own URIs (moto, --no-serve-artifacts), the store's credentials passed as the secrets
 * docs/stores.md names. Each run is judged by AUDIT.log on the remote, the registry as MLflow's
 * Python client reads it, and `model-governance status` as built (dist/cli).
 */
const VALIDATE = 'Validate lineage and metrics'
const PROMOTE = 'Promote (approval required by the environment)'
const AUDIT = 'Record in the audit log'
/** The seed's Production approvers are GitHub logins, one of whom approves (its `production`). */
const APPROVED: FakeReview[] = [
  { login: 'mlops-engineer', state: 'approved', environment: 'production' }
]

let github: GithubFake
let suite: string
let runId = 47000

interface Flow {
  repository: string
  model: string
  uri: string
  /** The variables MLflow's Python client needs to read the registry (and the store). */
  env: Record<string, string>
  project: SeedProject
}

interface Dumped {
  versions: { version: string; stage: string }[]
}
const stagesNow = (flow: Flow): Record<string, string> =>
  Object.fromEntries(
    (dumpModel(flow.uri, flow.model, flow.env) as Dumped).versions.map(v => [v.version, v.stage])
  )

interface Entry {
  event: string
  outcome: string
  version: string
  to: string
  git_commit: string
  lineage: { verified: boolean | null; level?: number; commit?: string; lock_sha256: string }
  artifact?: { digest: string; files: number; uri: string }
}
function auditLines(flow: Flow): Entry[] {
  const text = execFileSync('git', ['--git-dir', flow.project.remote, 'show', 'main:AUDIT.log'], {
    encoding: 'utf8'
  })
  return text
    .trim()
    .split('\n')
    .map(line => JSON.parse(line) as Entry)
}

function setUpGithub(repository: string): void {
  github.setRepository(repository, { defaultBranch: 'main' })
  github.setEnvironment(repository, 'staging', { branchPolicy: 'protected' })
  github.setEnvironment(repository, 'production', {
    reviewers: ['mlops-engineer'],
    preventSelfReview: true,
    branchPolicy: 'protected'
  })
}

async function dispatch(
  flow: Flow,
  inputs: Record<string, string>,
  reviews: FakeReview[] = [],
  secrets: Record<string, string> = {}
): Promise<ActResult> {
  const id = String(runId++)
  // act does not wait on environments: the reviews are given before the run, for the
  // environment GitHub would have the promote job wait on (the strict stand-in takes a review
  // only for a pending deployment).
  github.setPendingDeployments(
    flow.repository,
    id,
    reviews.map(r => r.environment ?? 'production')
  )
  github.setApprovals(flow.repository, id, reviews)
  const result = await runAct({
    repo: flow.project.repo,
    remote: flow.project.remote,
    repository: flow.repository,
    workflow: '.github/workflows/promote.yml',
    suite,
    inputs,
    vars: { MLFLOW_TRACKING_URI: flow.uri },
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
  // ...and the job that waits on that environment (the seed names approvers, no sign_off roles:
  // the promote job itself) must have started, or the stand-in held reviews GitHub would never
  // have taken.
  if (reviews.length > 0 && !result.output.includes(`${PROMOTE}] ⭐ Run Set up job`))
    throw new Error(
      `run ${id} was given reviews, but its promote job never reached its environment`
    )
  return result
}

/** The run's job results, with the end of act's log when an expectation fails. */
const outcome = (run: ActResult) => ({ jobs: run.jobs, tail: run.output.slice(-6000) })

/** `model-governance status` as built from this tree, in the user's repository. */
function status(flow: Flow, ...args: string[]): { stdout: string; json: StatusJson } {
  const cli = (extra: string[]): string =>
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli', 'index.js'), 'status', flow.model, ...args, ...extra],
      {
        cwd: flow.project.repo,
        encoding: 'utf8',
        env: { ...process.env, ...flow.env, MLFLOW_TRACKING_URI: flow.uri },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
  return { stdout: cli([]), json: JSON.parse(cli(['--json'])) as StatusJson }
}
interface StatusJson {
  in_sync: boolean
  targets: {
    target: string
    version: string | null
    drift: boolean
    commit: string | null
    commit_note: string | null
    lineage_level: number | null
    lineage_level_text: string
    trained_by?: { source_commit?: string }
    data?: { recorded?: { verified?: boolean | null; commit?: string; level?: number } }
  }[]
}

interface S3Flow {
  flow: Flow
  commit: string
  version: string
  /** The store's credentials as secrets, under the names MLflow's client reads (docs/stores.md). */
  storeSecrets: Record<string, string>
}
let moto: StoreProcess | undefined
let s3Server: ServerInfo | undefined
let s3Ready: Promise<S3Flow>

/**
 * moto, an MLflow server giving runs s3:// URIs (--default-artifact-root, --no-serve-artifacts)
 * and the project trained against it. Started with the file and awaited by its describe, so the
 * servers' start-up and the training overlap the proxied runs.
 */
async function setUpS3Flow(): Promise<S3Flow> {
  const id = `${harness().runId}_seedact`
  moto = await startMoto(id)
  const bucket = `mg-seed-${Date.now().toString(36)}`
  runPythonJson('store_ops.py', ['create', `s3://${bucket}`], { env: moto.env })
  s3Server = await startStoreMlflow({
    name: 'seed-s3-direct',
    runId: id,
    mode: 'direct',
    root: `s3://${bucket}/direct`,
    env: moto.env
  })
  const repository = 'acme/seed-s3'
  const model = uniqueName('seed-act-s3')
  const env = { ...moto.env, MLFLOW_TRACKING_URI: s3Server.uri }
  setUpGithub(repository)
  const project = await seedProject({ model, repository, env })
  const flow: Flow = { repository, model, uri: s3Server.uri, env, project }
  const { version } = await flow.project.trainAndRegister('dvc repro')
  const commit = await flow.project.commit('train v1')
  await flow.project.push()
  const storeSecrets = Object.fromEntries(
    ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'MLFLOW_S3_ENDPOINT_URL'].map(
      name => [name, moto!.env[name]!]
    )
  )
  return { flow, commit, version, storeSecrets }
}

beforeAll(async () => {
  github = await startGithubFake()
  suite = suiteCopy()
  s3Ready = setUpS3Flow()
  // Its failure is reported by the describe that awaits it, not as an unhandled rejection.
  s3Ready.catch(() => undefined)
}, 120_000)

afterAll(async () => {
  await s3Ready?.catch(() => undefined)
  if (s3Server) await stopStore(s3Server)
  if (moto) await stopStore(moto)
  await github?.close()
}, 120_000)

describe('the seed flow through the example caller, proxied store', () => {
  const flow = {} as Flow
  const commits: Record<string, string> = {}
  const versions: Record<string, string> = {}

  beforeAll(async () => {
    flow.repository = 'acme/seed-proxied'
    flow.model = uniqueName('seed-act')
    flow.uri = harness().mlflow.uri
    flow.env = { MLFLOW_TRACKING_URI: flow.uri }
    setUpGithub(flow.repository)
    flow.project = await seedProject({
      model: flow.model,
      repository: flow.repository,
      env: flow.env
    })
    commits.project = await flow.project.git('rev-parse', 'HEAD')
    // v1: dvc repro (MLflow records the project commit), then the commit holding its lock.
    versions.v1 = (await flow.project.trainAndRegister('dvc repro')).version
    commits.v1 = await flow.project.commit('train v1')
    await flow.project.push()
  }, 600_000)

  it("promotes v1 to Staging on a clean checkout: lineage level 3 at v1's own commit", async () => {
    const run = await dispatch(flow, { model_version: versions.v1!, target_stage: 'Staging' })
    expect(outcome(run)).toMatchObject({
      jobs: { [VALIDATE]: 'success', [PROMOTE]: 'success', [AUDIT]: 'success' }
    })
    // The seed's policy, named nowhere.
    expect(run.output).toMatch(
      /No \S*\.github\/model-governance\.yml: the policy is the model_registry\.stages block of \S*\.mlflow\/config\.yaml/
    )
    // Its stages declare no gates: the gate checks no metric, and says so.
    expect(run.output).toContain(
      "Policy stage 'Staging' declares no gates, so no metric was checked"
    )
    expect(stagesNow(flow)[versions.v1!]).toBe('Staging')
    const entry = auditLines(flow).at(-1)!
    expect(entry).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version: versions.v1,
      to: 'Staging',
      lineage: { verified: true, level: 3, commit: commits.v1 }
    })
    // The run recorded the commit before the lock; lineage was checked where the lock is.
    expect(entry.lineage.commit).not.toBe(commits.project)
    expect(entry.artifact?.uri).toMatch(/^mlflow-artifacts:/)
    // The approved bytes: the files log_model wrote (MLmodel, model.skops, ...), digested.
    expect(entry.artifact).toMatchObject({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })
    expect(entry.artifact?.files).toBeGreaterThanOrEqual(2)
  }, 300_000)

  it("promotes v1 to Production, approved, after v2 was trained and committed: lineage at v1's commit; status shows it", async () => {
    await flow.project.sync()
    await flow.project.git('checkout', '-q', 'main')
    writeFileSync(path.join(flow.project.repo, 'params.yaml'), 'train:\n  C: 0.5\n')
    versions.v2 = (await flow.project.trainAndRegister('dvc repro')).version
    commits.v2 = await flow.project.commit('train v2: C=0.5')
    await flow.project.push()

    const run = await dispatch(
      flow,
      {
        model_version: versions.v1!,
        target_stage: 'Production',
        justification: 'soaked in Staging'
      },
      APPROVED
    )
    expect(outcome(run)).toMatchObject({
      jobs: { [VALIDATE]: 'success', [PROMOTE]: 'success', [AUDIT]: 'success' }
    })
    expect(run.output).toContain(`Checking the lineage at ${commits.v1!}`)
    expect(stagesNow(flow)).toMatchObject({
      [versions.v1!]: 'Production',
      [versions.v2]: 'None'
    })
    const entry = auditLines(flow).at(-1)!
    expect(entry).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version: versions.v1,
      to: 'Production',
      lineage: { verified: true, level: 3, commit: commits.v1 }
    })
    // Dispatched from main's head, which holds v2's lock, not v1's.
    expect(entry.git_commit).toBe(commits.v2)

    await flow.project.sync()
    const shown = status(flow)
    const production = shown.json.targets.find(t => t.target === 'Production')!
    expect(shown.json.in_sync).toBe(true)
    expect(production).toMatchObject({ version: versions.v1, drift: false, commit: commits.v1 })
    expect(production.trained_by?.source_commit).toBe(commits.project)
    expect(production.commit_note).toContain('differs from the lineage commit')
    expect(shown.stdout).toMatch(
      new RegExp(`stage Production +${versions.v1!} .*${commits.v1!.slice(0, 8)}`)
    )
    // The lineage level, in --json and in the table's LVL column (the row of Production).
    expect(production).toMatchObject({ lineage_level: 3 })
    expect(production.lineage_level_text).toMatch(/^level 3 /)
    expect(shown.stdout).toMatch(new RegExp(`stage Production +${versions.v1!} .* 3 +`))
  }, 300_000)

  it('fails the lineage check of a version trained after a train.py change committed without dvc repro: audited, registry unchanged', async () => {
    await flow.project.sync()
    appendFileSync(path.join(flow.project.repo, 'train.py'), '# tuned by hand\n')
    commits.norepro = await flow.project.commit('tweak train.py (no dvc repro)')
    await flow.project.push()
    // Trained by running the script at that commit: dvc.lock still holds the old train.py.
    versions.v3 = (await flow.project.trainAndRegister('python train.py')).version
    await flow.project.git('checkout', '--', '.')
    const before = stagesNow(flow)
    const run = await dispatch(flow, { model_version: versions.v3, target_stage: 'Staging' })
    expect(outcome(run)).toMatchObject({ jobs: { [VALIDATE]: 'failure', [AUDIT]: 'success' } })
    expect(run.jobs[PROMOTE]).not.toBe('success')
    expect(run.output).toContain("stage 'train': dep train.py is modified")
    expect(auditLines(flow).at(-1)).toMatchObject({
      event: 'lineage-failed',
      outcome: 'failure',
      version: versions.v3,
      to: 'Staging',
      lineage: { verified: false, commit: commits.norepro }
    })
    expect(stagesNow(flow)).toEqual(before)
  }, 300_000)
})

describe('the seed flow through the example caller, S3 store read directly (not proxied)', () => {
  let flow: Flow
  let commit: string
  let version: string
  let storeSecrets: Record<string, string>

  beforeAll(async () => {
    ;({ flow, commit, version, storeSecrets } = await s3Ready)
  }, 600_000)

  it('promotes to Staging, then approved to Production, reading the files from S3 with the secrets', async () => {
    const staging = await dispatch(
      flow,
      { model_version: version, target_stage: 'Staging' },
      [],
      storeSecrets
    )
    expect(outcome(staging)).toMatchObject({
      jobs: { [VALIDATE]: 'success', [PROMOTE]: 'success', [AUDIT]: 'success' }
    })
    expect(staging.output).toMatch(
      /Artifact store credentials from secrets: AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION MLFLOW_S3_ENDPOINT_URL/
    )
    expect(auditLines(flow).at(-1)).toMatchObject({
      event: 'promote',
      version,
      to: 'Staging',
      lineage: { verified: true, level: 3, commit }
    })

    const production = await dispatch(
      flow,
      { model_version: version, target_stage: 'Production', justification: 'soaked in Staging' },
      APPROVED,
      storeSecrets
    )
    expect(outcome(production)).toMatchObject({
      jobs: { [VALIDATE]: 'success', [PROMOTE]: 'success', [AUDIT]: 'success' }
    })
    expect(stagesNow(flow)[version]).toBe('Production')
    const entry = auditLines(flow).at(-1)!
    expect(entry).toMatchObject({
      event: 'promote',
      outcome: 'success',
      version,
      to: 'Production',
      lineage: { verified: true, level: 3, commit }
    })
    // The approved bytes were read from the bucket itself, not through the tracking server.
    expect(entry.artifact?.uri).toMatch(/^s3:\/\//)

    await flow.project.sync()
    const shown = status(flow)
    expect(shown.json.in_sync).toBe(true)
    expect(shown.json.targets.find(t => t.target === 'Production')).toMatchObject({
      version,
      drift: false,
      commit
    })
    expect(shown.json.targets.find(t => t.target === 'Production')?.lineage_level).toBe(3)
  }, 300_000)
})
