import { describe, expect, it } from '@jest/globals'
import { COMMIT_MUTATION, FILE_QUERY, HEAD_QUERY } from '../../../src/audit/graphql-store.js'
import { documentErrors } from '../../harness/graphql-schema.js'

/**
 * Every GraphQL document the audit committer sends, validated against GitHub's published schema
 * (@octokit/graphql-schema) with graphql-js, its variables coerced to their declared types. The
 * GraphQL stand-in applies the same check to every request it gets.
 */
describe('GraphQL documents against @octokit/graphql-schema', () => {
  it('accepts the head and file queries with their variables', () => {
    expect(
      documentErrors(HEAD_QUERY, { owner: 'acme', name: 'models', ref: 'refs/heads/main' })
    ).toEqual([])
    expect(
      documentErrors(FILE_QUERY, { owner: 'acme', name: 'models', expression: 'main:AUDIT.log' })
    ).toEqual([])
  })

  it('accepts createCommitOnBranch with the input the committer builds', () => {
    const input = {
      branch: { repositoryNameWithOwner: 'acme/models', branchName: 'main' },
      message: { headline: 'audit: promote churn v1 to Production', body: '' },
      fileChanges: {
        additions: [{ path: 'AUDIT.log', contents: Buffer.from('x\n').toString('base64') }]
      },
      expectedHeadOid: 'a'.repeat(40)
    }
    expect(documentErrors(COMMIT_MUTATION, { input })).toEqual([])
  })

  it('would notice a field the schema lacks, or a mutation input it rejects', () => {
    expect(
      documentErrors(HEAD_QUERY.replace('oid', 'sha'), { owner: 'a', name: 'b', ref: 'c' })
    ).not.toEqual([])
    expect(
      documentErrors(COMMIT_MUTATION, {
        input: {
          branch: { branchName: 'main' },
          message: { headline: 'x' },
          expectedHeadOid: 'a'.repeat(40),
          force: true
        }
      }).join(' ')
    ).toMatch(/force/)
  })
})
