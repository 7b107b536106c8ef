import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { pendingFor, startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import {
  deps,
  failure,
  modelOps,
  policy,
  realClient,
  request,
  RUN,
  stages,
  type DumpedModel
} from './helpers.js'

const POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    environment: production
    approvers: [alice, bob, carol]
`

/**
 * The approvals check through the real Octokit client against a local fake of GitHub's approvals
 * endpoint, with the real MLflow server behind: a refused check leaves the registry untouched.
 */
describe('approvals', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const model = uniqueName('pm-approvals')
  let github: GithubFake
  let runId = 5000

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    // mallory is a required reviewer in GitHub but not one of the policy's approvers.
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['alice', 'bob', 'carol', 'mallory'],
      preventSelfReview: true,
      branchPolicy: 'protected'
    })
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-approvals' },
      ...modelOps(model, 2),
      { op: 'transition', name: model, version: '1', stage: 'Staging' }
    ])
  })

  afterAll(async () => {
    await github.close()
    await client.http.close()
  })

  async function attempt(reviews: Parameters<GithubFake['setApprovals']>[2], actor = 'octocat') {
    const id = String(runId++)
    // The promote job waits on the environments reviewed (GitHub's pending deployments).
    github.setPendingDeployments('acme/models', id, pendingFor(reviews))
    github.setApprovals('acme/models', id, reviews)
    const run = { ...RUN, runId: id, actor, triggeringActor: actor }
    return promote(
      request(model, { version: '1', stage: 'Production' }),
      deps(client, { policy: policy(POLICY, model), run, githubApi: github.uri })
    )
  }

  it.each([
    ['rejected', [{ login: 'bob', state: 'rejected' }], 'octocat', /Rejected by: bob/],
    [
      'self-approval',
      [{ login: 'carol', state: 'approved' }],
      'carol',
      /started this run \(carol\)/
    ],
    [
      'an approver not on the list',
      [{ login: 'mallory', state: 'approved' }],
      'octocat',
      /not in the stage's approvers: mallory/
    ],
    ['no approval', [], 'octocat', /requires 1 approval from its approvers; counted 0/]
  ] as const)('refuses %s before touching the registry', async (_case, reviews, actor, message) => {
    const error = await failure(attempt([...reviews], actor))
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Who may approve: alice, bob, carol of environment production/)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect((await client.getModelVersion(model, '1')).current_stage).toBe('Staging')
  })

  it('promotes with a listed approver and records them', async () => {
    const result = await attempt([
      { login: 'bob', state: 'approved', comment: 'metrics look good' }
    ])
    expect(result.approvedBy).toEqual(['bob'])
    expect(github.requests.every(r => r.authorization === 'token ghs_test_token')).toBe(true)
    expect(github.requests.map(r => r.path)).toContain(
      `/repos/acme/models/actions/runs/${runId - 1}/approvals`
    )
    const end = (dumpModels(mlflow.uri, [model, model]) as Record<string, DumpedModel>)[model]!
    expect(stages(end)).toEqual({ 1: 'Production', 2: 'None' })
    expect(end.versions[0]!.tags['model_governance.approved_by']).toBe('bob')
  })

  it('explains a token without actions: read', async () => {
    const run = { ...RUN, runId: '999999' }
    await expect(
      promote(
        request(model, { version: '2', stage: 'Production', allowSkip: true }),
        deps(client, { policy: policy(POLICY, model), run, githubApi: github.uri })
      )
    ).rejects.toThrow(/HTTP 404\); the token needs 'actions: read'.*Nothing was changed/)
  })
})
