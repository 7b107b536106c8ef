import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { startGithubFake, type GithubFake } from '../harness/github-fake.js'
import { OUTPUT } from '../harness/paths.js'
import { SIGN_OFF_POLICY } from '../harness/policies.js'

/**
 * The resolve-stage bundle as the runner runs it, on Node 20 and 24, against the strict GitHub
 * stand-in: it resolves the stage from the policy under policy-root and refuses, before any job
 * could name it, an environment that is missing or unprotected.
 */
const POLICY = SIGN_OFF_POLICY.replace("['@acme/ds-leads']", '[alice]').replace('[carol, dave]', '[bob]')

describe('dist/resolve-stage', () => {
  let github: GithubFake
  let workspace: string
  const env = (api: string) => ({
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_RUN_ID: '4040',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_API_URL: api
  })

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'staging', { branchPolicy: 'protected' })
    github.setEnvironment('acme/models', 'production', { branchPolicy: 'protected' })
    github.setEnvironment('acme/models', 'production-ds', { reviewers: ['alice'], preventSelfReview: true, branchPolicy: 'protected' })
    github.setEnvironment('acme/models', 'production-ops', { reviewers: ['bob'], branchPolicy: 'none' })
    mkdirSync(path.join(OUTPUT, 'resolve-dist'), { recursive: true })
    workspace = mkdtempSync(path.join(OUTPUT, 'resolve-dist', 'ws-'))
    mkdirSync(path.join(workspace, 'policy', '.github'), { recursive: true })
    writeFileSync(path.join(workspace, 'policy', '.github', 'model-governance.yml'), POLICY)
  })

  afterAll(() => github.close())

  const inputs = (extra: Record<string, string>) => ({
    'model-name': 'churn',
    version: '3',
    'policy-root': 'policy',
    'github-token': 'ghs_resolve_secret',
    ...extra
  })

  it.each(NODE_VERSIONS)('%s: resolves Staging and its environment', async node => {
    const res = await runDist('resolve-stage', inputs({ 'target-stage': 'staging' }), { node, env: env(github.uri), workspace })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({
      stage: 'Staging',
      environment: 'staging',
      'from-stage': 'None',
      guarded: 'false',
      'sign-off': '[]',
      'policy-path': 'policy/.github/model-governance.yml'
    })
    // Masked before use; nowhere but the add-mask command itself.
    expect(res.all.split('\n').filter(l => l.includes('ghs_resolve_secret') && !l.startsWith('::add-mask::'))).toEqual([])
  })

  it.each(NODE_VERSIONS)('%s: refuses Production while a role environment lets every branch deploy', async node => {
    const res = await runDist(
      'resolve-stage',
      inputs({ 'target-stage': 'Production', justification: 'better' }),
      { node, env: env(github.uri), workspace }
    )
    expect(res.code).toBe(1)
    expect(res.commands.find(c => c.command === 'error')?.message).toMatch(
      /Environment 'production-ops' lets every branch deploy.*Protected branches only/
    )
    expect(res.outputs.environment).toBeUndefined()
  })

  it('refuses a policy-file that steps out of policy-root', async () => {
    const res = await runDist(
      'resolve-stage',
      inputs({ 'target-stage': 'Staging', 'policy-file': '../.github/model-governance.yml' }),
      { env: env(github.uri), workspace }
    )
    expect(res.code).toBe(1)
    expect(res.all).toMatch(/Input 'policy-file'.*without \.\./)
  })
})
