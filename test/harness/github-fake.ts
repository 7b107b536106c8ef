import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeReview {
  login: string
  state: 'approved' | 'rejected' | 'pending'
  comment?: string
  environment?: string
}

/**
 * A local stand-in for GitHub's REST API, answering only
 * GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals in the documented shape
 * (an array of {environments[], state, user, comment}). Point a client at it with GITHUB_API_URL.
 */
export interface GithubFake {
  uri: string
  /** Every request seen: path and whether it carried a token. */
  requests: { path: string; authorization: string | undefined }[]
  setApprovals(repository: string, runId: string, reviews: FakeReview[]): void
  close(): Promise<void>
}

function environment(name: string, id: number): Record<string, unknown> {
  return {
    id,
    node_id: `EN_${id}`,
    name,
    url: `https://api.github.com/repos/acme/models/environments/${name}`,
    html_url: `https://github.com/acme/models/deployments/activity_log?environments_filter=${name}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z'
  }
}

function user(login: string, id: number): Record<string, unknown> {
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    site_admin: false
  }
}

export async function startGithubFake(): Promise<GithubFake> {
  const runs = new Map<string, FakeReview[]>()
  const requests: GithubFake['requests'] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push({ path: url.pathname, authorization: req.headers.authorization })
    const send = (status: number, body: unknown): void => {
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify(body))
    }
    if (!req.headers.authorization)
      return send(401, { message: 'Requires authentication', status: '401' })
    const match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/approvals$/.exec(url.pathname)
    const reviews =
      match && req.method === 'GET' ? runs.get(`${match[1]}/${match[2]}#${match[3]}`) : undefined
    if (!reviews) {
      return send(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404'
      })
    }
    send(
      200,
      reviews.map((r, i) => ({
        environments: [environment(r.environment ?? 'production', 100 + i)],
        state: r.state,
        user: user(r.login, 1000 + i),
        comment: r.comment ?? ''
      }))
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setApprovals: (repository, runId, reviews) => runs.set(`${repository}#${runId}`, reviews),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
