import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import { createGithubClient } from '../../../src/github/approvals.js'
import { promote } from '../../../src/promotion/index.js'
import { resolveStage } from '../../../src/promotion/resolve-stage.js'
import {
  startGithubFake,
  type FakeEnvironment,
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
 * The environment checks against the real MLflow server and the strict GitHub stand-in, through
 * the real Octokit client: every environment that releases the registry credential must let only
 * the default branch deploy, custom rules are read and judged as GitHub matches them, and a
 * refusal leaves the registry exactly as MLflow's Python client last saw it.
 */
const POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    approvers: [alice, bob]
`
const REVIEWERS: FakeEnvironment = { reviewers: ['alice', 'bob'], preventSelfReview: true }

describe('environment branch rules', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri, {
    retry: { ...FAST_RETRY, totalBudgetMs: 60_000, requestTimeoutMs: 30_000 }
  })
  const model = uniqueName('pm-env')
  let github: GithubFake
  let runId = 9500

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'staging', { branchPolicy: 'protected' })
    seed(mlflow.uri, [
      { op: 'run', experiment: 'promote-model-environments' },
      ...modelOps(model, 2),
      { op: 'transition', name: model, version: '1', stage: 'Staging' }
    ])
  })

  afterAll(async () => {
    await github.close()
    await client.http.close()
  })

  const registry = (): DumpedModel =>
    (dumpModels(mlflow.uri, [model, model]) as Record<string, DumpedModel>)[model]!

  function attempt() {
    const id = String(runId++)
    // GitHub takes a review only while a job of the run waits on the environment.
    github.setPendingDeployments('acme/models', id, ['production'])
    github.setApprovals('acme/models', id, [
      { login: 'alice', state: 'approved', environment: 'production' }
    ])
    return promote(
      request(model, { version: '1', stage: 'Production' }),
      deps(client, {
        policy: policy(POLICY, model),
        run: { ...RUN, runId: id },
        githubApi: github.uri
      })
    )
  }

  it.each<[string, FakeEnvironment, RegExp]>([
    [
      'a rule * (every branch without a slash)',
      { ...REVIEWERS, branchPolicy: 'custom', branchRules: [{ name: '*' }] },
      /rule '\*' matches 'main' and other branches/
    ],
    [
      'main and release/*',
      {
        ...REVIEWERS,
        branchPolicy: 'custom',
        branchRules: [{ name: 'main' }, { name: 'release/*' }]
      },
      /rule 'release\/\*' matches branches that anyone with write access can push/
    ],
    [
      'a tag rule',
      {
        ...REVIEWERS,
        branchPolicy: 'custom',
        branchRules: [{ name: 'main' }, { name: 'v*', type: 'tag' }]
      },
      /lets tags matching 'v\*' deploy/
    ]
  ])(
    'refuses Production whose environment has %s, before any write',
    async (_case, env, message) => {
      github.setEnvironment('acme/models', 'production', env)
      const before = registry()
      const error = await failure(attempt())
      expect(error.message).toMatch(message)
      expect(error.message).toMatch(/Nothing was changed in the registry/)
      expect(registry()).toEqual(before)
    }
  )

  it('refuses protected branches only while the default branch is not protected', async () => {
    github.setEnvironment('acme/models', 'production', { ...REVIEWERS, branchPolicy: 'protected' })
    github.setProtectedBranches('acme/models', ['release/1'])
    const before = registry()
    const error = await failure(attempt())
    expect(error.message).toMatch(
      /the default branch 'main' is not protected, so only 'release\/1' can/
    )
    expect(registry()).toEqual(before)
    github.setProtectedBranches('acme/models', ['main'])
  })

  it('promotes with the one rule main', async () => {
    github.setEnvironment('acme/models', 'production', {
      ...REVIEWERS,
      branchPolicy: 'custom',
      branchRules: [{ name: 'main' }]
    })
    await attempt()
    expect(registry().versions.find(v => v.version === '1')?.stage).toBe('Production')
  })

  describe('a stage without approval (its credential has EDIT on the whole model)', () => {
    const guardDeps = (ref = 'refs/heads/main') => ({
      run: { ...RUN, ref },
      github: () => Promise.resolve(createGithubClient('ghs_test_token', github.uri)),
      logger: new MemoryLogger()
    })
    const req = {
      model,
      target: { kind: 'version' as const, version: '2' },
      targetStage: 'Staging',
      justification: ''
    }

    it('is refused when its environment lets every branch deploy', async () => {
      github.setEnvironment('acme/models', 'staging', {})
      await expect(resolveStage(req, policy(POLICY, model), guardDeps())).rejects.toThrow(
        /Environment 'staging' lets every branch deploy.*registry credential, which can move every stage/
      )
      github.setEnvironment('acme/models', 'staging', { branchPolicy: 'protected' })
    })

    it('is refused from a side branch, and resolved from the default branch', async () => {
      await expect(
        resolveStage(req, policy(POLICY, model), guardDeps('refs/heads/side'))
      ).rejects.toThrow(
        /names an environment that holds the registry credential.*refs\/heads\/side/
      )
      await expect(resolveStage(req, policy(POLICY, model), guardDeps())).resolves.toMatchObject({
        stage: 'Staging',
        environment: 'staging',
        guarded: false
      })
    })
  })
})
