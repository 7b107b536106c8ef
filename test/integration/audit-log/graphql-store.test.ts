import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { appendEntry } from '../../../src/audit/append.js'
import { GraphqlAuditStore } from '../../../src/audit/graphql-store.js'
import { verifyBytes } from '../../../src/audit/verify.js'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGraphqlClient, graphqlUrl } from '../../../src/github/graphql.js'
import { startGitHubFake, type GitHubFake } from '../../harness/graphql-fake.js'
import { sampleFields } from '../../harness/audit-sample.js'

const TOKEN = 'ghs_graphql_fake'
let fake: GitHubFake

beforeAll(async () => {
  fake = await startGitHubFake({
    owner: 'acme',
    repo: 'models',
    token: TOKEN,
    branches: { main: { 'README.md': 'hi' } }
  })
})
afterAll(async () => {
  // The stand-in refuses, as GitHub would, any document its published schema rejects.
  expect(fake.rejected).toEqual([])
  expect(fake.requests.filter(r => r.path === '/graphql').length).toBeGreaterThan(0)
  await fake.close()
})

function apiStore(branch = 'main'): GraphqlAuditStore {
  return new GraphqlAuditStore(createGraphqlClient(TOKEN, fake.url), {
    owner: 'acme',
    repo: 'models',
    branch,
    file: 'AUDIT.log'
  })
}

describe('GraphqlAuditStore through the real GraphQL client, against the local GitHub fake', () => {
  it('commits with expectedHeadOid set to the head it read, and the file holds exactly our bytes', async () => {
    const head = fake.head('main')
    const result = await appendEntry(
      apiStore(),
      sampleFields(0),
      'AUDIT.log',
      { maxAttempts: 3, backoffMs: 1 },
      { logger: new MemoryLogger(), clock: systemClock }
    )
    const mutation = fake.requests
      .filter(r => JSON.stringify(r.body).includes('createCommitOnBranch'))
      .at(-1)!
    const input = (
      mutation.body as {
        variables: { input: { fileChanges: { additions: { path: string; contents: string }[] } } }
      }
    ).variables.input
    expect(input).toMatchObject({
      expectedHeadOid: head,
      branch: { repositoryNameWithOwner: 'acme/models', branchName: 'main' },
      message: {
        headline: 'Audit: rollback churn-0 v1 Staging→Production by alice (approved by bob)'
      }
    })
    expect(Buffer.from(input.fileChanges.additions[0]!.contents, 'base64').toString('utf8')).toBe(
      `${result.line}\n`
    )
    expect(mutation.authorization).toBe(`token ${TOKEN}`)
    expect(fake.head('main')).toBe(result.commitSha)
  })

  it('retries on STALE_DATA (head mismatch) and lands after the commit that won', async () => {
    const logger = new MemoryLogger()
    const before = (await verifyBytes(fake.file('main', 'AUDIT.log') ?? Buffer.alloc(0))).entries
    let interloper = ''
    fake.beforeMutation = count => {
      if (interloper) return
      interloper = `${count}`
      fake.commit('main', { 'README.md': 'someone else changed the branch' })
    }
    try {
      const result = await appendEntry(
        apiStore(),
        sampleFields(1),
        'AUDIT.log',
        { maxAttempts: 3, backoffMs: 1 },
        { logger, clock: systemClock }
      )
      expect(result).toMatchObject({ attempts: 2, seq: before + 1 })
      expect(logger.messages('info').join('\n')).toContain(
        'STALE_DATA: Expected branch to point to'
      )
      expect(fake.file('main', 'README.md')?.toString()).toBe('someone else changed the branch')
      expect(await verifyBytes(fake.file('main', 'AUDIT.log')!)).toMatchObject({
        valid: true,
        headSha256: result.sha256
      })
    } finally {
      delete fake.beforeMutation
    }
  })

  it('names the branch when it does not exist (createCommitOnBranch cannot create one)', async () => {
    const run = appendEntry(
      apiStore('nope'),
      sampleFields(2),
      'AUDIT.log',
      { maxAttempts: 1, backoffMs: 1 },
      { logger: new MemoryLogger(), clock: systemClock }
    )
    await expect(run).rejects.toThrow(ConfigurationError)
    await expect(run).rejects.toThrow("'branch' names nope, which does not exist in acme/models")
  })

  it('maps the REST API URL to the GraphQL endpoint on github.com and GHES', () => {
    expect(graphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql')
    expect(graphqlUrl('https://ghe.acme.com/api/v3/')).toBe('https://ghe.acme.com/api/graphql')
  })
})
