import { SIGN_OFF_POLICY } from '../../harness/policies.js'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import {
  pendingFor,
  startGithubFake,
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
 * Sign-off per role against the real MLflow server, with the strict GitHub stand-in: it records
 * one review per environment per run and only from a required reviewer, as GitHub does, so two
 * approvals need two environments. The registry is read back through MLflow's Python client.
 */
const SIGN_OFF = SIGN_OFF_POLICY
// erin is in the ds-leads team and, in this variant, also listed for mlops-engineer.
const BOTH = SIGN_OFF.replace('[carol, dave]', '[carol, dave, erin]')
const SEED_CONFIG = `model_registry:
  stages:
    - name: Staging
      requires_approval: false
    - name: Production
      requires_approval: true
      approvers: [data-science-lead, mlops-engineer]
`

describe('sign-off', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri, {
    retry: { ...FAST_RETRY, totalBudgetMs: 60_000, requestTimeoutMs: 30_000 }
  })
  const model = uniqueName('pm-sign-off')
  let github: GithubFake
  let runId = 12000
  let known: DumpedModel | undefined

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setTeam('@acme/ds-leads', ['alice', 'erin'])
    const rules = { preventSelfReview: true, branchPolicy: 'protected' as const }
    github.setEnvironment('acme/models', 'production', { branchPolicy: 'protected' })
    // bob is a required reviewer of both, but in neither role; erin may review both environments.
    github.setEnvironment('acme/models', 'production-ds', {
      reviewers: ['@acme/ds-leads', 'bob'],
      ...rules
    })
    github.setEnvironment('acme/models', 'production-ops', {
      reviewers: ['carol', 'dave', 'erin', 'bob'],
      ...rules
    })
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-sign-off' },
      ...modelOps(model, 2),
      { op: 'transition', name: model, version: '1', stage: 'Staging' },
      { op: 'transition', name: model, version: '2', stage: 'Staging', archive: false }
    ])
  })

  afterAll(async () => {
    await github.close()
    await client.http.close()
  })

  const registry = (): DumpedModel =>
    (dumpModels(mlflow.uri, [model, model]) as Record<string, DumpedModel>)[model]!

  function attempt(version: string, reviews: FakeReview[], text = SIGN_OFF) {
    const id = String(runId++)
    // The sign-off jobs wait on the environments reviewed (GitHub's pending deployments).
    github.setPendingDeployments('acme/models', id, pendingFor(reviews))
    github.setApprovals('acme/models', id, reviews)
    return promote(
      request(model, { version, stage: 'Production' }),
      deps(client, {
        policy: policy(text, model),
        run: { ...RUN, runId: id },
        githubApi: github.uri
      })
    )
  }

  const ds = (login: string, state: FakeReview['state'] = 'approved'): FakeReview => ({
    login,
    state,
    environment: 'production-ds'
  })
  const ops = (login: string, state: FakeReview['state'] = 'approved'): FakeReview => ({
    login,
    state,
    environment: 'production-ops'
  })

  it.each([
    ['one role missing', [ds('alice')], /mlops-engineer \(environment production-ops\): missing/],
    [
      'one person in both roles',
      [ds('erin'), ops('erin')],
      /Signed twice: erin approved more than one role/
    ],
    [
      "an approver outside the role's team",
      [ds('bob'), ops('carol')],
      /not in the stage's approvers: bob/
    ],
    ['a rejection by one role', [ds('alice'), ops('dave', 'rejected')], /Rejected by: dave/]
  ])('refuses %s, changing nothing', async (_case, reviews, message) => {
    known ??= registry()
    const error = await failure(attempt('1', reviews, BOTH))
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(registry()).toEqual(known)
  })

  it('refuses min_approvals: 2 without sign_off when the policy loads, naming sign_off', () => {
    expect(() =>
      policy(SEED_CONFIG.replace('approvers:', 'min_approvals: 2\n      approvers:'), model)
    ).toThrow(
      /min_approvals: 2, but one environment yields at most one approval per run.*sign_off:/s
    )
  })

  it('promotes when two distinct eligible people sign, and records each role on the version', async () => {
    const result = await attempt('1', [ds('alice'), ops('carol')])
    expect(result.signOffs.map(s => [s.role, s.login])).toEqual([
      ['data-science-lead', 'alice'],
      ['mlops-engineer', 'carol']
    ])
    const v1 = registry().versions.find(v => v.version === '1')!
    expect(v1.stage).toBe('Production')
    expect(v1.tags['model_governance.sign_off']).toBe(
      'data-science-lead:alice,mlops-engineer:carol'
    )
    expect(github.requests.map(r => r.path)).toContain(
      '/orgs/acme/teams/ds-leads/memberships/alice'
    )
  })

  it("promotes with the seed's .mlflow/config.yaml block and one approval by a listed approver", async () => {
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['mlops-engineer'],
      preventSelfReview: true,
      branchPolicy: 'protected'
    })
    const result = await attempt('2', [{ login: 'mlops-engineer', state: 'approved' }], SEED_CONFIG)
    expect(result.approvedBy).toEqual(['mlops-engineer'])
    expect(registry().versions.find(v => v.version === '2')!.stage).toBe('Production')
  })
})
