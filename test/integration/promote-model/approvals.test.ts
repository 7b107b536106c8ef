import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
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
    min_approvals: 2
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
    github.setApprovals('acme/models', id, reviews)
    const run = { ...RUN, runId: id, actor, triggeringActor: actor }
    return promote(
      request(model, { version: '1', stage: 'Production' }),
      deps(client, { policy: policy(POLICY, model), run, githubApi: github.uri })
    )
  }

  it.each([
    [
      'rejected',
      [
        { login: 'alice', state: 'approved' },
        { login: 'bob', state: 'rejected' }
      ],
      'octocat',
      /Rejected by: bob/
    ],
    [
      'self-approval',
      [
        { login: 'alice', state: 'approved' },
        { login: 'carol', state: 'approved' }
      ],
      'carol',
      /triggered this run \(carol\)/
    ],
    [
      'an approver not on the list',
      [
        { login: 'alice', state: 'approved' },
        { login: 'mallory', state: 'approved' }
      ],
      'octocat',
      /not in the stage's approvers: mallory/
    ],
    [
      'too few approvers',
      [{ login: 'alice', state: 'approved' }],
      'octocat',
      /requires 2 approvals from its approvers; counted 1 \(alice\)/
    ]
  ] as const)('refuses %s before touching the registry', async (_case, reviews, actor, message) => {
    const error = await failure(attempt([...reviews], actor))
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Who may approve: alice, bob, carol/)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect((await client.getModelVersion(model, '1')).current_stage).toBe('Staging')
  })

  it('promotes with two listed approvers and records them', async () => {
    const result = await attempt([
      { login: 'alice', state: 'approved' },
      { login: 'bob', state: 'approved', comment: 'metrics look good' }
    ])
    expect(result.approvedBy).toEqual(['alice', 'bob'])
    expect(github.requests.every(r => r.authorization === 'token ghs_test_token')).toBe(true)
    expect(github.requests.map(r => r.path)).toContain(
      `/repos/acme/models/actions/runs/${runId - 1}/approvals`
    )
    const end = (dumpModels(mlflow.uri, [model, model]) as Record<string, DumpedModel>)[model]!
    expect(stages(end)).toEqual({ 1: 'Production', 2: 'None' })
    expect(end.versions[0]!.tags['model_governance.approved_by']).toBe('alice,bob')
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
