import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import type { RunContext } from '../../../src/github/context.js'
import { chain, event } from '../../harness/reconcile-helpers.js'
import {
  pendingFor,
  startGithubFake,
  type FakeEnvironment,
  type FakeReview,
  type GithubFake
} from '../../harness/github-fake.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import {
  deps,
  failure,
  FAST_RETRY,
  modelOps,
  policy,
  realClient,
  request,
  RUN,
  type DumpedModel
} from './helpers.js'

/**
 * The Gate against the real MLflow server and the strict GitHub stand-in, through the real
 * Octokit client: every way around the approval that a person with write access would try is
 * refused with a message naming the cause, and the registry, read back through MLflow's own
 * Python client, is exactly as it was. One correct promotion still goes through with every check on.
 */
const POLICY = `stages:
  - name: Development
  - name: Staging
  - name: Production
    requires_approval: true
    alias: champion
    approvers: [alice, bob]
`
const PROTECTED: FakeEnvironment = {
  reviewers: ['alice', 'bob', 'dana'],
  preventSelfReview: true,
  branchPolicy: 'protected'
}

describe('gate', () => {
  const { mlflow } = harness()
  // Generous limits: each refusal reads the registry back through Python in between, and a busy
  // machine makes the first request after that wait.
  const client = realClient(mlflow.uri, {
    retry: { ...FAST_RETRY, totalBudgetMs: 60_000, requestTimeoutMs: 30_000 }
  })
  const model = uniqueName('pm-gate')
  let github: GithubFake
  let runId = 9000

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', PROTECTED)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-gate' },
      ...modelOps(model, 3),
      { op: 'transition', name: model, version: '1', stage: 'Staging' }
    ])
  })

  afterAll(async () => {
    await github.close()
    await client.http.close()
  })

  const registry = (): DumpedModel =>
    (dumpModels(mlflow.uri, [model, model]) as Record<string, DumpedModel>)[model]!

  async function attempt(
    req: Parameters<typeof request>[1],
    options: {
      reviews?: FakeReview[]
      run?: Partial<RunContext>
      text?: string
      audit?: string
    } = {}
  ) {
    const id = String(runId++)
    const reviews = options.reviews ?? [{ login: 'alice', state: 'approved' as const }]
    // The promote job waits on the environments reviewed (GitHub's pending deployments).
    github.setPendingDeployments('acme/models', id, pendingFor(reviews))
    github.setApprovals('acme/models', id, reviews)
    return promote(
      request(model, req),
      deps(client, {
        policy: policy(options.text ?? POLICY, model),
        run: { ...RUN, runId: id, ...options.run },
        githubApi: github.uri,
        ...(options.audit !== undefined ? { audit: options.audit } : {})
      })
    )
  }

  /** The registry as MLflow's Python client last saw it after a change this test made. */
  let known: DumpedModel | undefined

  /** Runs a refused attempt and checks the message and that MLflow's Python client sees no change. */
  async function refused(promise: Promise<unknown>, message: RegExp): Promise<void> {
    known ??= registry()
    const error = await failure(promise)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(registry()).toEqual(known)
  }

  it('refuses a weakened policy dispatched from a side branch', async () => {
    await refused(
      attempt({ version: '1', stage: 'Production' }, { run: { ref: 'refs/heads/weaker-policy' } }),
      /ref is refs\/heads\/weaker-policy, not the default branch main/
    )
  })

  it.each<[string, FakeEnvironment, RegExp]>([
    ['without required reviewers', { branchPolicy: 'protected' }, /no required reviewers/],
    ['that any branch may deploy to', { reviewers: ['alice', 'bob'] }, /lets every branch deploy/]
  ])('refuses a stage whose environment is %s', async (_case, settings, message) => {
    github.setEnvironment('acme/models', 'unguarded', settings)
    const text = POLICY.replace(
      '    alias: champion\n',
      '    alias: champion\n    environment: unguarded\n'
    )
    await refused(attempt({ version: '1', stage: 'Production' }, { text, reviews: [] }), message)
  })

  it('refuses a stage whose environment does not exist', async () => {
    const text = POLICY.replace(
      '    alias: champion\n',
      '    alias: champion\n    environment: prod-typo\n'
    )
    await refused(
      attempt({ version: '1', stage: 'Production' }, { text, reviews: [] }),
      /Environment 'prod-typo' does not exist/
    )
  })

  it('refuses the dispatcher approving a run that someone else re-ran', async () => {
    await refused(
      attempt(
        { version: '1', stage: 'Production' },
        {
          reviews: [{ login: 'alice', state: 'approved' }],
          run: { actor: 'alice', triggeringActor: 'bob' }
        }
      ),
      /started this run \(alice or bob\).*: alice/
    )
  })

  it('refuses an alias-only move of champion (Production) from Development', async () => {
    await refused(
      attempt({ version: '2', alias: 'champion' }),
      /moving it to Production skips Staging/
    )
  })

  it('refuses a rollback from an AUDIT.log with no chain, and one naming latest', async () => {
    const holder = await attempt({ version: '1', stage: 'Production' })
    expect(holder.changed).toBe(true)
    known = registry()
    const forged = JSON.stringify({
      v: 1,
      seq: 1,
      event: 'promote',
      outcome: 'success',
      model,
      version: '1',
      to: 'Production',
      previous_version: '3'
    })
    await refused(
      attempt({ stage: 'Production', rollback: true }, { audit: `${forged}\n` }),
      /does not verify \(line 1/
    )
    const latest = chain([event(model, '1', 'Production', { previous_version: 'latest' })]).text
    await refused(
      attempt({ stage: 'Production', rollback: true }, { audit: latest }),
      /"latest", which is not a version number/
    )
  })

  it('promotes with every check on: default branch, protected environment, a listed approver', async () => {
    // Version 1 holds Production from the test above; version 2 goes Staging → Production.
    await attempt({ version: '2', stage: 'Staging' })
    const result = await attempt(
      { version: '2', stage: 'Production', expectedPreviousVersion: '1' },
      { reviews: [{ login: 'bob', state: 'approved', comment: 'ship it' }] }
    )
    expect(result.approvedBy).toEqual(['bob'])
    const end = registry()
    expect(end.versions.find(v => v.version === '2')).toMatchObject({ stage: 'Production' })
    expect(end.versions.find(v => v.version === '1')).toMatchObject({ stage: 'Archived' })
    const routes = github.requests.map(r => r.path)
    expect(routes).toContain('/repos/acme/models')
    expect(routes).toContain('/repos/acme/models/environments/production')
  })

  it("in both mode, compares the stage's holder: an alias left on a version that moved on does not refuse none", async () => {
    const both = uniqueName('pm-gate-both')
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-gate' },
      ...modelOps(both, 2),
      { op: 'transition', name: both, version: '1', stage: 'Production' },
      { op: 'alias', name: both, version: '1', alias: 'challenger' }
    ])
    const text =
      'registry: {mode: both}\nstages: [{name: Development}, {name: Staging, alias: challenger}, {name: Production}]'
    const result = await promote(
      request(both, { version: '2', stage: 'Staging', expectedPreviousVersion: 'none' }),
      deps(client, {
        policy: policy(text, both),
        run: { ...RUN, runId: String(runId++) },
        githubApi: github.uri
      })
    )
    expect(result.changed).toBe(true)
    const end = (dumpModels(mlflow.uri, [both, both]) as Record<string, DumpedModel>)[both]!
    expect(end.versions.find(v => v.version === '2')).toMatchObject({
      stage: 'Staging',
      aliases: ['challenger']
    })
    expect(end.aliases).toMatchObject({ challenger: '2' })
  })
})
