import { getOctokit } from '@actions/github'
import { z } from 'zod'
import { ActionError } from '../core/errors.js'
import { approvalsSchema, type Approval } from './approvals.js'

/** The fields of GET /repos/{owner}/{repo}/actions/runs/{run_id} the run check reads. */
export const runSchema = z.object({
  id: z.number(),
  path: z.string(),
  created_at: z.string(),
  run_attempt: z.number().optional(),
  actor: z.object({ login: z.string() }).optional(),
  referenced_workflows: z
    .array(z.object({ path: z.string(), sha: z.string(), ref: z.string().optional() }))
    .nullable()
    .optional(),
  repository: z.object({ full_name: z.string() })
})
export type WorkflowRun = z.infer<typeof runSchema>

/** How far the rate limit is spent, from GitHub's x-ratelimit-* headers. */
export interface RateLimit {
  remaining: number
  /** Epoch seconds at which the window resets. */
  reset: number
}

export type Fetched<T> =
  | { kind: 'found'; value: T; rate?: RateLimit }
  | { kind: 'missing'; rate?: RateLimit }
  /** GitHub asked to wait: a secondary limit (retry-after) or a spent primary one. */
  | { kind: 'limited'; waitSeconds: number; rate?: RateLimit }

export interface RunsClient {
  /** GET /repos/{owner}/{repo}/actions/runs/{run_id} (needs `actions: read`). */
  getRun(owner: string, repo: string, runId: string): Promise<Fetched<WorkflowRun>>
  /** GET …/runs/{run_id}/approvals, every page GitHub links to. */
  listApprovals(owner: string, repo: string, runId: string): Promise<Fetched<Approval[]>>
}

type Headers = Record<string, string | number | undefined>

function rateOf(headers: Headers | undefined): RateLimit | undefined {
  const remaining = Number(headers?.['x-ratelimit-remaining'])
  const reset = Number(headers?.['x-ratelimit-reset'])
  return Number.isFinite(remaining) && Number.isFinite(reset) ? { remaining, reset } : undefined
}

/** GitHub's documented rate-limit answers: 403/429 with retry-after, or with no requests left. */
function limitOf(status: number | undefined, headers: Headers | undefined): number | undefined {
  if (status !== 403 && status !== 429) return undefined
  const retryAfter = Number(headers?.['retry-after'])
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter
  const rate = rateOf(headers)
  if (rate && rate.remaining === 0) return Math.max(rate.reset - Math.floor(Date.now() / 1000), 1)
  // GitHub: "If you exceed a secondary rate limit … wait at least one minute".
  return status === 429 ? 60 : undefined
}

function nextLink(headers: Headers | undefined): string | undefined {
  const link = String(headers?.link ?? '')
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1]
}

const PAGE_LIMIT = 20

export function createRunsClient(token: string, apiUrl?: string): RunsClient {
  // No retry or throttling plugin: the run check waits itself, bounded (run-check.ts).
  const octokit = getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {})

  type Answer =
    | { kind: 'ok'; data: unknown; headers: Headers }
    | { kind: 'missing'; headers: Headers | undefined }
    | { kind: 'limited'; wait: number; headers: Headers | undefined }

  async function get(
    route: string,
    params: Record<string, unknown>,
    what: string
  ): Promise<Answer> {
    try {
      const response = await octokit.request(route, params)
      return {
        kind: 'ok' as const,
        data: response.data as unknown,
        headers: response.headers
      }
    } catch (error) {
      const status = (error as { status?: number }).status
      const headers = (error as { response?: { headers?: Headers } }).response?.headers
      if (status === 404 || status === 410) return { kind: 'missing' as const, headers }
      const wait = limitOf(status, headers)
      if (wait !== undefined) return { kind: 'limited' as const, wait, headers }
      throw new ActionError(
        `Could not read ${what}${status ? ` (HTTP ${status})` : ''}` +
          (status === 401 || status === 403
            ? "; the token needs 'actions: read' on this repository"
            : ''),
        { cause: error }
      )
    }
  }

  return {
    async getRun(owner, repo, runId) {
      const what = `workflow run ${runId} of ${owner}/${repo}`
      const answer = await get(
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
        { owner, repo, run_id: Number(runId), exclude_pull_requests: true },
        what
      )
      const rate = rateOf(answer.headers)
      const extra = rate ? { rate } : {}
      if (answer.kind === 'missing') return { kind: 'missing', ...extra }
      if (answer.kind === 'limited') return { kind: 'limited', waitSeconds: answer.wait, ...extra }
      const parsed = runSchema.safeParse(answer.data)
      if (!parsed.success) throw new ActionError(`GitHub answered ${what} with an unexpected shape`)
      return { kind: 'found', value: parsed.data, ...extra }
    },

    async listApprovals(owner, repo, runId) {
      const what = `the deployment approvals of run ${runId} in ${owner}/${repo}`
      const all: Approval[] = []
      let route = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals'
      let params: Record<string, unknown> = { owner, repo, run_id: Number(runId) }
      let rate: RateLimit | undefined
      for (let page = 0; page < PAGE_LIMIT; page++) {
        const answer = await get(route, params, what)
        rate = rateOf(answer.headers) ?? rate
        const extra = rate ? { rate } : {}
        if (answer.kind === 'missing') return { kind: 'missing', ...extra }
        if (answer.kind === 'limited')
          return { kind: 'limited', waitSeconds: answer.wait, ...extra }
        const parsed = approvalsSchema.safeParse(answer.data)
        if (!parsed.success)
          throw new ActionError(`GitHub answered ${what} with an unexpected shape`)
        all.push(
          ...parsed.data.map(a => ({
            login: a.user?.login ?? '(unknown)',
            state: a.state,
            comment: a.comment ?? '',
            environments: a.environments.map(e => e.name ?? '').filter(n => n !== '')
          }))
        )
        // The endpoint documents no pages; should GitHub link a next one, it is followed.
        const next = nextLink(answer.headers)
        if (!next) return { kind: 'found', value: all, ...extra }
        route = `GET ${next}`
        params = {}
      }
      throw new ActionError(`${what} ran past ${PAGE_LIMIT} pages; refusing to read further`)
    }
  }
}
