import type { RunContext } from '../github/context.js'

/** Only http(s) links reach a button: a `javascript:` or `slack://` URL in data is dropped. */
export function safeUrl(text: string | undefined): string | undefined {
  if (!text) return undefined
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

/**
 * The run's page, where GitHub shows "Review deployments" to the environment's required
 * reviewers while a job waits. Not the attempt's page: the review button is on the run's.
 */
export function reviewDeploymentsUrl(run: RunContext): string | undefined {
  if (!run.repository || !run.runId) return undefined
  return safeUrl(`${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`)
}

/** The commit audit-log made; `sha` must be a full or abbreviated hex object name. */
export function commitUrl(
  run: RunContext,
  repository: string | undefined,
  sha: string
): string | undefined {
  const repo = repository || run.repository
  if (!repo || !/^[0-9a-f]{7,64}$/i.test(sha) || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined
  return safeUrl(`${run.serverUrl}/${repo}/commit/${sha}`)
}
