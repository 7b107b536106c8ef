import { getOctokit } from '@actions/github'
import * as z from 'zod'
import { ActionError } from '../core/errors.js'
import { approvalsSchema, type Approval } from './approvals.js'

/**
 * The fields of GET /repos/{owner}/{repo}/actions/runs/{run_id} (and of one attempt,
 * …/attempts/{attempt_number}) the run check reads. `display_title` is the run's `run-name`,
 * which GitHub evaluates once, when the run is created, from the dispatch inputs: the binding
 * between a run and the model, version and target its audit entry names (docs/security.md).
 */
export const runSchema = z.object({
  id: z.number(),
  path: z.string(),
  event: z.string(),
  head_branch: z.string().nullable(),
  head_sha: z.string(),
  display_title: z.string(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  created_at: z.string(),
  run_attempt: z.number().optional(),
  actor: z.object({ login: z.string() }).optional(),
  triggering_actor: z.object({ login: z.string() }).optional(),
  referenced_workflows: z
    .array(z.object({ path: z.string(), sha: z.string(), ref: z.string().optional() }))
    .nullable()
    .optional(),
  repository: z.object({ full_name: z.string() })
})
export type WorkflowRun = z.infer<typeof runSchema>

/** GET /repos/{owner}/{repo}/git/ref/heads/{branch}: the branch's head commit. */
export const branchRefSchema = z.object({
  ref: z.string(),
  object: z.object({ sha: z.string(), type: z.string() })
})

/** GET /repos/{owner}/{repo}/compare/{base}...{head}: how head relates to base. */
export const comparisonSchema = z.object({
  status: z.enum(['diverged', 'ahead', 'behind', 'identical']),
  ahead_by: z.number(),
  behind_by: z.number()
})

/** GET /repos/{owner}/{repo} → default_branch. */
const repositoryBranchSchema = z.object({ default_branch: z.string().min(1) })

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
  /**
   * GET /repos/{owner}/{repo}/actions/runs/{run_id}, or with `attempt` that attempt's record
   * (…/attempts/{attempt_number}: its own conclusion, actor and head) (needs `actions: read`).
   */
  getRun(
    owner: string,
    repo: string,
    runId: string,
    attempt?: number
  ): Promise<Fetched<WorkflowRun>>
  /** GET /repos/{owner}/{repo} → its default branch. */
  getDefaultBranch(owner: string, repo: string): Promise<Fetched<string>>
  /**
   * Whether `sha` is a commit of `branch`'s history: the branch's head from
   * GET …/git/ref/heads/{branch} (a branch, never a tag of the same name), then
   * GET …/compare/{sha}...{head}: `ahead` or `identical` means sha is an ancestor of the head.
   */
  onBranch(owner: string, repo: string, branch: string, sha: string): Promise<Fetched<boolean>>
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
            ? "; the token needs 'actions: read' and 'contents: read' on this repository"
            : ''),
        { cause: error }
      )
    }
  }

  return {
    async getRun(owner, repo, runId, attempt) {
      const what = `workflow run ${runId}${attempt ? ` attempt ${attempt}` : ''} of ${owner}/${repo}`
      const answer = attempt
        ? await get(
            'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
            {
              owner,
              repo,
              run_id: Number(runId),
              attempt_number: attempt,
              exclude_pull_requests: true
            },
            what
          )
        : await get(
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

    async getDefaultBranch(owner, repo) {
      const what = `the repository ${owner}/${repo}`
      const answer = await get('GET /repos/{owner}/{repo}', { owner, repo }, what)
      const rate = rateOf(answer.headers)
      const extra = rate ? { rate } : {}
      if (answer.kind === 'missing') return { kind: 'missing', ...extra }
      if (answer.kind === 'limited') return { kind: 'limited', waitSeconds: answer.wait, ...extra }
      const parsed = repositoryBranchSchema.safeParse(answer.data)
      if (!parsed.success) throw new ActionError(`GitHub answered ${what} with no default_branch`)
      return { kind: 'found', value: parsed.data.default_branch, ...extra }
    },

    async onBranch(owner, repo, branch, sha) {
      const what = `the head of branch ${branch} in ${owner}/${repo}`
      const head = await get(
        'GET /repos/{owner}/{repo}/git/ref/{ref}',
        { owner, repo, ref: `heads/${branch}` },
        what
      )
      let rate = rateOf(head.headers)
      if (head.kind === 'missing') return { kind: 'missing', ...(rate ? { rate } : {}) }
      if (head.kind === 'limited')
        return { kind: 'limited', waitSeconds: head.wait, ...(rate ? { rate } : {}) }
      const ref = branchRefSchema.safeParse(head.data)
      if (!ref.success || ref.data.object.type !== 'commit')
        throw new ActionError(`GitHub answered ${what} with an unexpected shape`)
      const headSha = ref.data.object.sha
      if (headSha === sha) return { kind: 'found', value: true, ...(rate ? { rate } : {}) }
      const compared = `how commit ${sha} relates to ${branch} in ${owner}/${repo}`
      const answer = await get(
        'GET /repos/{owner}/{repo}/compare/{basehead}',
        { owner, repo, basehead: `${sha}...${headSha}`, per_page: 1 },
        compared
      )
      rate = rateOf(answer.headers) ?? rate
      const extra = rate ? { rate } : {}
      // 404: GitHub knows no such commit in the repository, so it is on no branch of it.
      if (answer.kind === 'missing') return { kind: 'found', value: false, ...extra }
      if (answer.kind === 'limited') return { kind: 'limited', waitSeconds: answer.wait, ...extra }
      const parsed = comparisonSchema.safeParse(answer.data)
      if (!parsed.success)
        throw new ActionError(`GitHub answered ${compared} with an unexpected shape`)
      // base...head: 'ahead' = the branch head has commits after sha, and none that sha lacks.
      const status = parsed.data.status
      return { kind: 'found', value: status === 'ahead' || status === 'identical', ...extra }
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
