import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as z from 'zod'
import {
  approvalsSchema,
  createGithubClient,
  membershipSchema,
  repositorySchema,
  teamSchema
} from '../../../src/github/approvals.js'
import { environmentSchema } from '../../../src/github/environment.js'
import {
  branchRefSchema,
  comparisonSchema,
  createRunsClient,
  runSchema
} from '../../../src/github/runs.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { hasField, responseErrors, responseSchema } from '../../harness/openapi.js'

/**
 * The GitHub stand-in and the client, held to GitHub's published REST description
 * (@octokit/openapi): every answer the stand-in gives validates against the endpoint's schema,
 * every field the client's zod schemas read exists in it, and the stand-in keeps GitHub's rules.
 */
const ROUTES = {
  team: '/orgs/{org}/teams/{team_slug}',
  membership: '/orgs/{org}/teams/{team_slug}/memberships/{username}',
  repository: '/repos/{owner}/{repo}',
  environment: '/repos/{owner}/{repo}/environments/{environment_name}',
  approvals: '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
  run: '/repos/{owner}/{repo}/actions/runs/{run_id}',
  attempt: '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
  branch: '/repos/{owner}/{repo}/git/ref/{ref}',
  compare: '/repos/{owner}/{repo}/compare/{basehead}'
}

/** Every leaf field path a zod schema reads, arrays written as []. */
function fieldPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  )
    return fieldPaths(schema.unwrap() as z.ZodType, prefix)
  if (schema instanceof z.ZodArray)
    return fieldPaths(schema.element as z.ZodType, [...prefix, '[]'])
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) =>
      fieldPaths(field, [...prefix, key])
    )
  return [prefix]
}

describe('the client reads only fields GitHub documents', () => {
  it.each([
    ['approvals', approvalsSchema, ROUTES.approvals],
    ['environment', environmentSchema, ROUTES.environment],
    ['repository', repositorySchema, ROUTES.repository],
    ['team', teamSchema, ROUTES.team],
    ['membership', membershipSchema, ROUTES.membership],
    ['run', runSchema, ROUTES.run],
    ['attempt', runSchema, ROUTES.attempt],
    ['branch', branchRefSchema, ROUTES.branch],
    ['compare', comparisonSchema, ROUTES.compare]
  ] as const)('%s', (_name, schema, route) => {
    const documented = responseSchema('get', route, '200')
    const paths = fieldPaths(schema)
    expect(paths.length).toBeGreaterThan(0)
    const missing = paths.filter(p => !hasField(documented, p)).map(p => p.join('.'))
    expect(missing).toEqual([])
  })

  it('would notice a field GitHub does not have', () => {
    const documented = responseSchema('get', ROUTES.environment, '200')
    expect(
      hasField(documented, ['protection_rules', '[]', 'reviewers', '[]', 'reviewer', 'login'])
    ).toBe(true)
    expect(hasField(documented, ['protection_rules', '[]', 'required_approvals'])).toBe(false)
  })
})

describe("the GitHub stand-in answers in GitHub's shapes and keeps its rules", () => {
  let github: GithubFake
  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['alice', 'bob'],
      preventSelfReview: true,
      branchPolicy: 'protected'
    })
    github.setEnvironment('acme/models', 'staging', {
      reviewers: ['carol'],
      branchPolicy: 'custom'
    })
    github.setEnvironment('acme/models', 'sandbox', {})
    github.setTeam('@acme/ds-leads', ['erin'])
    github.setTeam('@acme/hidden', ['erin'], { visible: false })
    github.setEnvironment('acme/models', 'production-ds', {
      reviewers: ['@acme/ds-leads'],
      branchPolicy: 'protected'
    })
    github.setRun('acme/models', '7', {
      path: '.github/workflows/promote.yml',
      actor: 'octocat',
      createdAt: '2026-11-20T08:00:00Z',
      referencedWorkflows: [
        {
          path: 'acme-ml/model-governance/.github/workflows/model-approval.yml@refs/tags/v1',
          sha: 'a'.repeat(40),
          ref: 'refs/tags/v1'
        }
      ]
    })
    github.setRun('acme/models', '12', {
      path: '.github/workflows/other.yml',
      actor: 'octocat',
      createdAt: '2026-11-20T08:00:00Z',
      referencedWorkflows: null
    })
    github.setBranch('acme/models', 'main', ['1'.repeat(40), '2'.repeat(40)])
    github.setBranch('acme/models', 'feature', ['1'.repeat(40), '9'.repeat(40)])
    github.setPendingDeployments('acme/models', '7', ['production', 'staging'])
    github.setApprovals('acme/models', '7', [
      { login: 'alice', state: 'approved', comment: 'ok', environment: 'production' },
      { login: 'carol', state: 'rejected', environment: 'staging' }
    ])
  })
  afterAll(() => github.close())

  it('validates every answer against @octokit/openapi', async () => {
    const client = createGithubClient('ghs_contract', github.uri)
    expect(await client.getDefaultBranch('acme', 'models')).toBe('main')
    const production = await client.getEnvironment('acme', 'models', 'production')
    expect(production).toEqual({
      name: 'production',
      reviewers: [
        { type: 'User', name: 'alice' },
        { type: 'User', name: 'bob' }
      ],
      preventSelfReview: true,
      branchPolicy: { protectedBranches: true, customBranchPolicies: false }
    })
    expect(await client.getEnvironment('acme', 'models', 'sandbox')).toEqual({
      name: 'sandbox',
      preventSelfReview: false,
      branchPolicy: null
    })
    expect(await client.getEnvironment('acme', 'models', 'missing')).toBeUndefined()
    expect((await client.getEnvironment('acme', 'models', 'production-ds'))?.reviewers).toEqual([
      { type: 'Team', name: 'acme/ds-leads' }
    ])
    expect(await client.teamMembership('acme', 'ds-leads', 'erin')).toBe('active')
    expect(await client.teamMembership('acme', 'ds-leads', 'mallory')).toBe('none')
    await expect(client.teamMembership('acme', 'hidden', 'erin')).rejects.toThrow(
      /cannot read team @acme\/hidden \(HTTP 404\)/
    )
    expect(await client.listApprovals('acme', 'models', '7')).toEqual([
      { login: 'alice', state: 'approved', comment: 'ok', environments: ['production'] },
      { login: 'carol', state: 'rejected', comment: '', environments: ['staging'] }
    ])
    const runs = createRunsClient('ghs_contract', github.uri)
    const run = await runs.getRun('acme', 'models', '7')
    expect(run).toMatchObject({
      kind: 'found',
      value: { id: 7, path: '.github/workflows/promote.yml', actor: { login: 'octocat' } },
      rate: { remaining: expect.any(Number) }
    })
    expect(await runs.getRun('acme', 'models', '12')).toMatchObject({
      value: { referenced_workflows: null }
    })
    expect(await runs.getRun('acme', 'models', '99')).toMatchObject({ kind: 'missing' })
    expect(await runs.getRun('acme', 'models', '7', 1)).toMatchObject({
      kind: 'found',
      value: {
        id: 7,
        event: 'workflow_dispatch',
        head_branch: 'main',
        status: 'completed',
        conclusion: 'success',
        run_attempt: 1
      }
    })
    expect(await runs.getRun('acme', 'models', '7', 2)).toMatchObject({ kind: 'missing' })
    expect(await runs.getDefaultBranch('acme', 'models')).toMatchObject({ value: 'main' })
    expect(await runs.onBranch('acme', 'models', 'main', '1'.repeat(40))).toMatchObject({
      value: true
    })
    expect(await runs.onBranch('acme', 'models', 'main', '9'.repeat(40))).toMatchObject({
      value: false
    })
    expect(await runs.onBranch('acme', 'models', 'main', '8'.repeat(40))).toMatchObject({
      value: false
    })
    expect(await runs.listApprovals('acme', 'models', '12')).toMatchObject({
      kind: 'found',
      value: []
    })
    const answered = github.responses.filter(r => r.status === 200)
    expect(new Set(answered.map(r => r.route))).toEqual(new Set(Object.values(ROUTES)))
    for (const { route, status, body } of answered)
      expect({ route, errors: responseErrors('get', route, status, body) }).toEqual({
        route,
        errors: []
      })
  })

  it('would notice an answer GitHub never gives', () => {
    expect(
      responseErrors('get', ROUTES.approvals, 200, [{ state: 'approved', environments: [{}] }])
    ).not.toEqual([])
  })

  it('records one review per environment per run, from required reviewers only', () => {
    for (const id of ['8', '9', '10', '11'])
      github.setPendingDeployments('acme/models', id, ['production', 'production-ds'])
    expect(() =>
      github.setApprovals('acme/models', '10', [
        { login: 'erin', state: 'approved', environment: 'production-ds' }
      ])
    ).not.toThrow()
    expect(() =>
      github.setApprovals('acme/models', '11', [
        { login: 'alice', state: 'approved', environment: 'production-ds' }
      ])
    ).toThrow(/alice is not a required reviewer of production-ds/)
    expect(() =>
      github.setApprovals('acme/models', '8', [
        { login: 'alice', state: 'approved', environment: 'production' },
        { login: 'bob', state: 'approved', environment: 'production' }
      ])
    ).toThrow(/already decided in run 8/)
    expect(() =>
      github.setApprovals('acme/models', '9', [{ login: 'mallory', state: 'approved' }])
    ).toThrow(/mallory is not a required reviewer of production/)
    expect(() =>
      github.setApprovals('acme/models', '9', [
        { login: 'alice', state: 'approved', environment: 'sandbox' }
      ])
    ).toThrow(/no job of run 9 is waiting on environment sandbox/)
  })

  it('takes a review only for an environment a job of the run is waiting on', () => {
    // A run whose gate failed: no job reached the sign-off environments, so nothing to review.
    expect(() =>
      github.setApprovals('acme/models', '13', [
        { login: 'erin', state: 'approved', environment: 'production-ds' }
      ])
    ).toThrow(/no job of run 13 is waiting on environment production-ds/)
    github.setPendingDeployments('acme/models', '14', ['production'])
    expect(() =>
      github.setApprovals('acme/models', '14', [
        { login: 'erin', state: 'approved', environment: 'production-ds' }
      ])
    ).toThrow(/no job of run 14 is waiting on environment production-ds/)
    // An environment without required reviewers never makes a job wait.
    expect(() => github.setPendingDeployments('acme/models', '15', ['sandbox'])).toThrow(
      /sandbox has no required reviewers/
    )
  })
})
