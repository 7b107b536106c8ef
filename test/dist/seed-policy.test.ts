import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist, type DistResult } from '../harness/dist-runner.js'
import { startGithubFake, type GithubFake } from '../harness/github-fake.js'
import { OUTPUT } from '../harness/paths.js'
import { SEED_MLFLOW_CONFIG } from '../harness/policies.js'
import { seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'

/**
 * The seed's layout: no .github/model-governance.yml, only its .mlflow/config.yaml with MLflow's
 * server settings and a model_registry.stages block. The bundles govern by it as written, named
 * nowhere: one notice says which file is the policy, and MLflow's keys draw no warning.
 */
const NOTICE =
  'the policy is the model_registry.stages block of {file} (add .github/model-governance.yml, or name another policy file, to govern by another)'

function notices(result: DistResult): string[] {
  return result.commands.filter(c => c.command === 'notice').map(c => c.message)
}
function warnings(result: DistResult): string[] {
  return result.commands.filter(c => c.command === 'warning').map(c => c.message)
}

describe('the seed policy, named nowhere', () => {
  let github: GithubFake
  let workspace: string
  const model = uniqueName('seed-policy')

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'staging', { branchPolicy: 'protected' })
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['mlops-engineer'],
      preventSelfReview: true,
      branchPolicy: 'protected'
    })
    mkdirSync(path.join(OUTPUT, 'seed-policy-dist'), { recursive: true })
    workspace = mkdtempSync(path.join(OUTPUT, 'seed-policy-dist', 'ws-'))
    // As the approval workflow lays it out: the default branch checked out under policy-root,
    // and the dispatched commit at the root, both holding only .mlflow/config.yaml.
    for (const dir of [workspace, path.join(workspace, 'policy')]) {
      mkdirSync(path.join(dir, '.mlflow'), { recursive: true })
      writeFileSync(path.join(dir, '.mlflow', 'config.yaml'), SEED_MLFLOW_CONFIG)
    }
    writeFileSync(path.join(workspace, 'metrics.json'), '{"accuracy": 0.91}\n')
    seed(harness().mlflow.uri, [
      { op: 'run', metrics: { accuracy: 0.91 }, artifact: false },
      { op: 'register', name: model, run: 0 }
    ])
  })

  afterAll(() => github.close())

  it.each(NODE_VERSIONS)(
    '%s: resolve-stage reads it from the default branch and says how approvers are read',
    async node => {
      const result = await runDist(
        'resolve-stage',
        {
          'model-name': model,
          version: '1',
          'target-stage': 'Production',
          justification: 'seed flow',
          'policy-root': 'policy',
          'github-token': 'ghs_seed_policy'
        },
        {
          node,
          workspace,
          env: {
            GITHUB_REPOSITORY: 'acme/models',
            GITHUB_RUN_ID: '5150',
            GITHUB_REF: 'refs/heads/main',
            GITHUB_API_URL: github.uri
          }
        }
      )
      expect(result.commands.filter(c => c.command === 'error')).toEqual([])
      expect(result.code).toBe(0)
      // The later steps of the workflow read the file named here.
      expect(result.outputs).toMatchObject({
        stage: 'Production',
        environment: 'production',
        guarded: 'true',
        'policy-path': 'policy/.mlflow/config.yaml'
      })
      expect(notices(result)).toEqual([
        `No policy/.github/model-governance.yml: ${NOTICE.replace('{file}', 'policy/.mlflow/config.yaml')}`
      ])
      expect(warnings(result)).toEqual([])
      expect(result.summary.match(/\*\*Approval rule/g)).toHaveLength(1)
      expect(result.summary).toContain(
        'approvers data-science-lead, mlops-engineer, each read as a GitHub login, or as a team when written @org/team. One of them must approve'
      )
      expect(result.summary).toContain('declare one `sign_off` role per person')
    }
  )

  it.each(NODE_VERSIONS)(
    "%s: validate-metrics governs by it without policy-file, and MLflow's keys draw no warning",
    async node => {
      const result = await runDist(
        'validate-metrics',
        {
          'tracking-uri': harness().mlflow.uri,
          'model-name': model,
          version: '1',
          stage: 'Staging',
          thresholds: 'accuracy >= 0.9',
          'metrics-files': 'metrics.json'
        },
        { node, workspace }
      )
      expect(result.commands.filter(c => c.command === 'error')).toEqual([])
      expect(result.code).toBe(0)
      expect(result.outputs.passed).toBe('true')
      expect(notices(result)).toContain(
        `No .github/model-governance.yml: ${NOTICE.replace('{file}', '.mlflow/config.yaml')}`
      )
      expect(notices(result).filter(n => n.includes('.mlflow/config.yaml'))).toHaveLength(1)
      expect(warnings(result)).toEqual([])
    }
  )

  it('validate-metrics refuses a stage the seed policy does not list, naming the file', async () => {
    const result = await runDist(
      'validate-metrics',
      {
        'tracking-uri': harness().mlflow.uri,
        'model-name': model,
        version: '1',
        stage: 'Canary',
        thresholds: 'accuracy >= 0.9',
        'metrics-files': 'metrics.json'
      },
      { workspace }
    )
    expect(result.code).toBe(1)
    expect(result.all).toContain("is 'Canary', which policy file .mlflow/config.yaml does not list; use one of: Staging, Production")
  })
})
