import { ActionError, FieldError } from '../core/errors.js'
import type { GraphqlClient, GraphqlResponse } from '../github/graphql.js'
import type { AuditStore, Tip, WriteResult } from './append.js'

export interface GraphqlStoreOptions {
  owner: string
  repo: string
  branch: string
  /** Path of the audit file inside the repository, with '/' separators. */
  file: string
}

export const HEAD_QUERY = `query AuditHead($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { oid } } }
}`

export const FILE_QUERY = `query AuditFile($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $expression) { __typename ... on Blob { text byteSize isBinary isTruncated } }
  }
}`

export const COMMIT_MUTATION = `mutation AuditCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`

type Shape = Record<string, unknown> | null | undefined

function at(value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys)
    current =
      current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined
  return current
}

function messageParts(message: string): { headline: string; body?: string } {
  const [headline = '', ...rest] = message.split('\n')
  const body = rest.join('\n').trim()
  return body ? { headline, body } : { headline }
}

function errorText(response: GraphqlResponse): string {
  return (response.errors ?? []).map(e => `${e.type ? `${e.type}: ` : ''}${e.message}`).join('; ')
}

/**
 * AUDIT.log committed through GraphQL createCommitOnBranch: GitHub signs these commits, which
 * repositories that require signed commits need. expectedHeadOid is the compare-and-set; a
 * STALE_DATA answer means another run got there first and the append is retried on the new head.
 */
export class GraphqlAuditStore implements AuditStore {
  readonly description: string

  constructor(
    private readonly client: GraphqlClient,
    private readonly options: GraphqlStoreOptions
  ) {
    this.description = `${options.owner}/${options.repo}@${options.branch} (GraphQL)`
  }

  async readTip(): Promise<Tip> {
    const { owner, repo, branch, file } = this.options
    const head = await this.client.request(HEAD_QUERY, {
      owner,
      name: repo,
      ref: `refs/heads/${branch}`
    })
    if (head.errors?.length)
      throw new ActionError(`GitHub refused to read ${owner}/${repo}: ${errorText(head)}`)
    const oid = at(head.data, 'repository', 'ref', 'target', 'oid')
    if (typeof oid !== 'string') {
      throw new FieldError(
        'branch',
        `names ${branch}, which does not exist in ${owner}/${repo}, and createCommitOnBranch cannot create branches; ` +
          "create the branch first or set 'commit-method' to git"
      )
    }
    const blob = await this.client.request(FILE_QUERY, {
      owner,
      name: repo,
      expression: `${oid}:${file}`
    })
    if (blob.errors?.length)
      throw new ActionError(`GitHub refused to read ${file}: ${errorText(blob)}`)
    const object = at(blob.data, 'repository', 'object') as Shape
    if (!object) return { head: oid, content: Buffer.alloc(0) }
    if (object.__typename !== 'Blob' || object.isBinary === true) {
      throw new FieldError(
        'file',
        `names '${file}', which is not a text file on ${branch}; point it at AUDIT.log`
      )
    }
    if (object.isTruncated === true) {
      throw new ActionError(
        `${file} is larger than GitHub's GraphQL blob limit, so its chain cannot be checked through the API; use commit-method: git`
      )
    }
    const content = Buffer.from(typeof object.text === 'string' ? object.text : '', 'utf8')
    if (content.length !== object.byteSize) {
      throw new ActionError(
        `Refusing to append: ${file} on ${branch} is not valid UTF-8; run mode 'verify' to find the line`
      )
    }
    return { head: oid, content }
  }

  async write(tip: Tip, content: Buffer, message: string): Promise<WriteResult> {
    const { owner, repo, branch, file } = this.options
    const response = await this.client.request(COMMIT_MUTATION, {
      input: {
        branch: { repositoryNameWithOwner: `${owner}/${repo}`, branchName: branch },
        // createCommitOnBranch takes the first line as the headline and the rest as the body.
        message: messageParts(message),
        fileChanges: { additions: [{ path: file, contents: content.toString('base64') }] },
        expectedHeadOid: tip.head
      }
    })
    const stale = (response.errors ?? []).some(
      e => e.type === 'STALE_DATA' || /expected branch to point to/i.test(e.message)
    )
    if (stale) return { kind: 'conflict', detail: `the branch moved (${errorText(response)})` }
    const oid = at(response.data, 'createCommitOnBranch', 'commit', 'oid')
    if (response.errors?.length || typeof oid !== 'string') {
      throw new ActionError(
        `GitHub refused the audit commit on ${branch}: ${errorText(response) || 'no commit in the answer'}. ` +
          "Nothing was recorded; the token needs 'contents: write' and the branch's rules must allow the commit"
      )
    }
    return { kind: 'committed', sha: oid }
  }
}
