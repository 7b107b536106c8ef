import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startGithubFake, type GithubFake } from './github-fake.js'
import { documentErrors } from './graphql-schema.js'

/**
 * A local stand-in for the parts of GitHub's API that audit-log uses, following the documented
 * shapes: GraphQL `repository.ref.target.oid`, `repository.object(expression:)` as a Blob,
 * `createCommitOnBranch` with `expectedHeadOid` (STALE_DATA on a head mismatch, as GitHub
 * answers it: HTTP 200, `data.createCommitOnBranch: null`, an `errors` entry), and REST
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`. REST requests go to the strict REST
 * stand-in (`rest`: one review per environment per run, answers checked against @octokit/openapi),
 * so there is one approvals stand-in, not two.
 */
export interface FakeCommit {
  oid: string
  parent: string | null
  headline: string
  files: Map<string, Buffer>
}

export interface GitHubFake {
  url: string
  owner: string
  repo: string
  commits: Map<string, FakeCommit>
  requests: { method: string; path: string; body: unknown; authorization: string | undefined }[]
  /** Runs before each createCommitOnBranch is handled; a test moves the head here to force a race. */
  beforeMutation?: (count: number) => void
  /** The REST stand-in behind it: set environments and reviews there. */
  rest: GithubFake
  /** GraphQL documents refused because GitHub's schema rejects them (documentErrors). */
  rejected: { query: string; errors: string[] }[]
  head(branch: string): string | undefined
  file(branch: string, path: string): Buffer | undefined
  /** Commits on the branch as another client would (the head moves). */
  commit(branch: string, files: Record<string, Buffer | string>, headline?: string): string
  close(): Promise<void>
}

/** createCommitOnBranch's input, as far as the fake reads it. */
interface CommitInput {
  expectedHeadOid?: unknown
  branch?: { repositoryNameWithOwner?: string; branchName?: string }
  message?: { headline?: string }
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] }
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function oidOf(parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).update(randomBytes(8)).digest('hex')
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startGitHubFake(options: {
  owner: string
  repo: string
  token: string
  branches: Record<string, Record<string, string>>
}): Promise<GitHubFake> {
  const { owner, repo, token } = options
  const commits = new Map<string, FakeCommit>()
  const refs = new Map<string, string>()
  const rest = await startGithubFake()
  const requests: GitHubFake['requests'] = []
  const rejected: GitHubFake['rejected'] = []
  let mutations = 0

  const addCommit = (branch: string, files: Map<string, Buffer>, headline: string): string => {
    const parent = refs.get(branch) ?? null
    const oid = oidOf([parent ?? '', headline])
    commits.set(oid, { oid, parent, headline, files })
    refs.set(branch, oid)
    return oid
  }
  for (const [branch, files] of Object.entries(options.branches)) {
    addCommit(
      branch,
      new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)])),
      'initial'
    )
  }

  const fake: GitHubFake = {
    url: '',
    owner,
    repo,
    commits,
    requests,
    rejected,
    rest,
    head: branch => refs.get(branch),
    file: (branch, path) => {
      const oid = refs.get(branch)
      return oid ? commits.get(oid)?.files.get(path) : undefined
    },
    commit: (branch, files, headline = 'foreign commit') => {
      const base = commits.get(refs.get(branch) ?? '')
      const next = new Map(base?.files ?? [])
      for (const [p, c] of Object.entries(files)) next.set(p, Buffer.from(c))
      return addCommit(branch, next, headline)
    },
    close: async () => {
      await new Promise<void>(resolve => server.close(() => resolve()))
      await rest.close()
    }
  }

  const repositoryMatches = (vars: Record<string, unknown>): boolean =>
    vars.owner === owner && vars.name === repo
  const notFound = () => ({
    data: { repository: null },
    errors: [
      {
        type: 'NOT_FOUND',
        path: ['repository'],
        message: `Could not resolve to a Repository with the name '${owner}/${repo}'.`
      }
    ]
  })

  function graphql(query: string, variables: Record<string, unknown>): unknown {
    if (query.includes('createCommitOnBranch')) {
      mutations++
      fake.beforeMutation?.(mutations)
      const input = (variables.input ?? {}) as CommitInput
      if (typeof input.expectedHeadOid !== 'string') {
        return {
          errors: [
            {
              message:
                'Variable $input of type CreateCommitOnBranchInput! was provided invalid value for expectedHeadOid (Expected value to not be null)'
            }
          ]
        }
      }
      if (input.branch?.repositoryNameWithOwner !== `${owner}/${repo}`) {
        return {
          data: { createCommitOnBranch: null },
          errors: [
            { type: 'NOT_FOUND', path: ['createCommitOnBranch'], message: 'Repository not found' }
          ]
        }
      }
      const branch = String(input.branch?.branchName ?? '')
      const head = refs.get(branch)
      if (!head) {
        return {
          data: { createCommitOnBranch: null },
          errors: [
            {
              type: 'UNPROCESSABLE',
              path: ['createCommitOnBranch'],
              message: `A ref named "refs/heads/${branch}" does not exist.`
            }
          ]
        }
      }
      if (input.expectedHeadOid !== head) {
        return {
          data: { createCommitOnBranch: null },
          errors: [
            {
              type: 'STALE_DATA',
              path: ['createCommitOnBranch'],
              locations: [{ line: 2, column: 3 }],
              message: `Expected branch to point to "${input.expectedHeadOid}" but it did not.  Pull and try again.`
            }
          ]
        }
      }
      const headline = String(input.message?.headline ?? '')
      if (!headline) return { errors: [{ message: 'message.headline must not be empty' }] }
      const files = new Map(commits.get(head)!.files)
      for (const addition of input.fileChanges?.additions ?? [])
        files.set(addition.path, Buffer.from(addition.contents, 'base64'))
      for (const deletion of input.fileChanges?.deletions ?? []) files.delete(deletion.path)
      const oid = addCommit(branch, files, headline)
      return {
        data: {
          createCommitOnBranch: {
            commit: { oid, url: `https://github.com/${owner}/${repo}/commit/${oid}` }
          }
        }
      }
    }
    if (!repositoryMatches(variables)) return notFound()
    if (query.includes('ref(qualifiedName')) {
      const name = asString(variables.ref).replace(/^refs\/heads\//, '')
      const oid = refs.get(name)
      return { data: { repository: { ref: oid ? { target: { oid } } : null } } }
    }
    if (query.includes('object(expression')) {
      const [oid, ...rest] = asString(variables.expression).split(':')
      const content = commits.get(oid ?? '')?.files.get(rest.join(':'))
      const object = content
        ? {
            __typename: 'Blob',
            text: content.toString('utf8'),
            byteSize: content.length,
            isBinary: false,
            isTruncated: false
          }
        : null
      return { data: { repository: { object } } }
    }
    return {
      errors: [{ message: `the fake does not implement this query: ${query.slice(0, 80)}` }]
    }
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request)
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined
      const path = (request.url ?? '').split('?')[0] ?? ''
      const authorization = request.headers.authorization
      requests.push({ method: request.method ?? '', path, body, authorization })
      const send = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        response.end(JSON.stringify(value))
      }
      if (
        authorization !== `token ${token}` &&
        authorization !== `bearer ${token}` &&
        authorization !== `Bearer ${token}`
      ) {
        return send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest'
        })
      }
      if (request.method === 'POST' && path === '/graphql') {
        const query = asString(body?.query)
        const variables = (body?.variables ?? {}) as Record<string, unknown>
        // As strict as GitHub: a document or variables its schema rejects get GraphQL errors.
        const invalid = documentErrors(query, variables)
        if (invalid.length > 0) {
          rejected.push({ query, errors: invalid })
          return send(200, { errors: invalid.map(message => ({ message })) })
        }
        return send(200, graphql(query, variables))
      }
      if (request.method === 'GET') {
        const answer = await fetch(`${rest.uri}${request.url ?? ''}`, {
          headers: authorization ? { authorization } : {}
        })
        return send(answer.status, await answer.json())
      }
      return send(404, { message: 'Not Found' })
    })()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
