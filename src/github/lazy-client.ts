import { FieldError } from '../core/errors.js'
import type { GithubClient } from './approvals.js'

/**
 * The GitHub client, built on first use: a missing token matters only when a check needs GitHub,
 * and Octokit, most of a bundle, is loaded only then. The token is masked before any request.
 */
export function lazyGithubClient(options: {
  token: string | undefined
  apiUrl: string
  setSecret: (value: string) => void
  /** Why the token is needed, for the error when it is missing. */
  purpose: string
}): () => Promise<GithubClient> {
  let client: Promise<GithubClient> | undefined
  return () => {
    client ??= (async () => {
      const token = options.token?.trim()
      if (!token) {
        throw new FieldError(
          'github-token',
          `is empty, and ${options.purpose}; pass github-token: \${{ github.token }} and give the job 'actions: read'`
        )
      }
      options.setSecret(token)
      const { createGithubClient } = await import('./approvals.js')
      return createGithubClient(token, options.apiUrl)
    })()
    return client
  }
}
