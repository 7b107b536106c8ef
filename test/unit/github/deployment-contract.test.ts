import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type * as z from 'zod'
import { createGithubClient } from '../../../src/github/approvals.js'
import {
  branchPoliciesSchema,
  shortBranchesSchema,
  teamMembersSchema
} from '../../../src/github/deployment-branches.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { hasField, responseErrors, responseSchema } from '../../harness/openapi.js'

/**
 * The guard's reads of who may deploy and review (an environment's branch rules, the protected
 * branches, a team's members), held to @octokit/openapi like the other GitHub reads
 * (contract.test.ts): the client reads only documented fields, the stand-in answers in GitHub's
 * shapes, and every page is read.
 */
const ROUTES = {
  policies: '/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
  branches: '/repos/{owner}/{repo}/branches',
  members: '/orgs/{org}/teams/{team_slug}/members'
}

function leafPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const def = (schema as unknown as { _def: { typeName: string } })._def
  const unwrap = schema as unknown as {
    unwrap?: () => z.ZodType
    element?: z.ZodType
    shape?: Record<string, z.ZodType>
  }
  if (['ZodOptional', 'ZodNullable', 'ZodDefault'].includes(def.typeName) && unwrap.unwrap)
    return leafPaths(unwrap.unwrap(), prefix)
  if (def.typeName === 'ZodArray' && unwrap.element)
    return leafPaths(unwrap.element, [...prefix, '[]'])
  if (def.typeName === 'ZodObject' && unwrap.shape)
    return Object.entries(unwrap.shape).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))
  return [prefix]
}

describe('the deployment reads use only fields GitHub documents', () => {
  it.each([
    ['policies', branchPoliciesSchema, ROUTES.policies],
    ['branches', shortBranchesSchema, ROUTES.branches],
    ['members', teamMembersSchema, ROUTES.members]
  ] as const)('%s', (_name, schema, route) => {
    const documented = responseSchema('get', route, '200')
    const paths = leafPaths(schema as z.ZodType)
    expect(paths.length).toBeGreaterThan(0)
    expect(paths.filter(p => !hasField(documented, p)).map(p => p.join('.'))).toEqual([])
  })
})

describe('the stand-in serves them as GitHub does', () => {
  let github: GithubFake
  const many = Array.from({ length: 130 }, (_, i) => ({ name: `release/${i}` }))
  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['@acme/ds-leads'],
      branchPolicy: 'custom',
      branchRules: [{ name: 'main' }, { name: 'v*', type: 'tag' }, ...many]
    })
    github.setEnvironment('acme/models', 'staging', { branchPolicy: 'protected' })
    github.setProtectedBranches('acme/models', ['main', 'release/1'])
    github.setTeam('@acme/ds-leads', ['erin', 'frank'])
    github.setTeam('@acme/hidden', ['erin'], { visible: false })
  })
  afterAll(() => github.close())

  it('answers every page within @octokit/openapi, and the client reads them all', async () => {
    const client = createGithubClient('ghs_contract', github.uri)
    const policies = await client.listDeploymentBranchPolicies('acme', 'models', 'production')
    expect(policies).toHaveLength(132)
    expect(policies.slice(0, 2)).toEqual([
      { name: 'main', type: 'branch' },
      { name: 'v*', type: 'tag' }
    ])
    expect(policies.at(-1)).toEqual({ name: 'release/129', type: 'branch' })
    expect(await client.listDeploymentBranchPolicies('acme', 'models', 'staging')).toEqual([])
    await expect(client.listDeploymentBranchPolicies('acme', 'models', 'missing')).rejects.toThrow(
      /deployment branch policies of environment 'missing' in acme\/models \(HTTP 404\)/
    )
    expect(await client.listProtectedBranches('acme', 'models')).toEqual(['main', 'release/1'])
    expect(await client.listTeamMembers('acme', 'ds-leads')).toEqual(['erin', 'frank'])
    expect(await client.listTeamMembers('acme', 'hidden')).toBeUndefined()
    const pages = github.requests.filter(r => r.path.endsWith('/deployment-branch-policies'))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    const answered = github.responses.filter(r => r.status === 200)
    expect(new Set(answered.map(r => r.route))).toEqual(new Set(Object.values(ROUTES)))
    for (const { route, status, body } of answered)
      expect({ route, errors: responseErrors('get', route, status, body) }).toEqual({
        route,
        errors: []
      })
  })

  it('would notice an answer GitHub never gives', () => {
    expect(responseErrors('get', ROUTES.policies, 200, { branch_policies: [] })).not.toEqual([])
    expect(responseErrors('get', ROUTES.branches, 200, [{ name: 'main' }])).not.toEqual([])
  })
})
