import { getOctokit } from '@actions/github'
import { ActionError } from '../core/errors.js'

/** A GraphQL response as GitHub sends it: data and errors side by side, both optional. */
export interface GraphqlResponse {
  data?: Record<string, unknown> | null
  errors?: { type?: string; message: string; path?: unknown[] }[]
}

export interface GraphqlClient {
  request(query: string, variables: Record<string, unknown>): Promise<GraphqlResponse>
}

/**
 * GitHub's GraphQL endpoint for a REST API URL: api.github.com/graphql, and on GHES
 * <host>/api/graphql next to <host>/api/v3.
 */
export function graphqlUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '')
  return base.endsWith('/api/v3') ? `${base.slice(0, -'/v3'.length)}/graphql` : `${base}/graphql`
}

/**
 * POSTs to the GraphQL endpoint and returns the body as is, errors included (GitHub answers
 * GraphQL errors with HTTP 200), so callers can tell a stale head from other failures.
 */
export function createGraphqlClient(token: string, apiUrl: string): GraphqlClient {
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') })
  const url = graphqlUrl(apiUrl)
  return {
    async request(query, variables) {
      try {
        const response = await octokit.request({ method: 'POST', url, query, variables })
        return response.data as GraphqlResponse
      } catch (error) {
        // An HTTP failure of the endpoint (no GraphQL there, a token without access) is the
        // user's setup, not a bug: say which endpoint answered what.
        const status = (error as { status?: number }).status
        throw new ActionError(
          `GitHub's GraphQL endpoint ${url} answered ${status ? `HTTP ${status}` : 'with a network error'}` +
            (status === 401 || status === 403
              ? '; the token needs contents: write on the repository'
              : status === 404
                ? '; check GITHUB_API_URL (on GHES the endpoint is <host>/api/graphql), or use commit-method: git'
                : ''),
          { cause: error }
        )
      }
    }
  }
}
