import { getOctokit } from '@actions/github'
import { z } from 'zod'
import { ActionError } from '../core/errors.js'

/** One deployment review of a workflow run, in the audit log's shape. */
export interface Approval {
  login: string
  state: string
  comment: string
  environments: string[]
}

export interface ApprovalsClient {
  /** GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals (needs `actions: read`). */
  listApprovals(owner: string, repo: string, runId: string): Promise<Approval[]>
}

const approvalsSchema = z.array(
  z.object({
    state: z.string(),
    comment: z.string().nullable().optional(),
    user: z.object({ login: z.string() }).nullable().optional(),
    environments: z
      .array(z.object({ name: z.string().optional() }).passthrough())
      .optional()
      .default([])
  })
)

/**
 * The approvals client on @actions/github's Octokit. `apiUrl` defaults to GITHUB_API_URL (what
 * getOctokit reads), which is also how tests point it at a local fake.
 */
export function createApprovalsClient(token: string, apiUrl?: string): ApprovalsClient {
  const octokit = getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {})
  return {
    async listApprovals(owner, repo, runId) {
      let data: unknown
      try {
        const response = await octokit.request(
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
          {
            owner,
            repo,
            run_id: Number(runId)
          }
        )
        data = response.data
      } catch (error) {
        const status = (error as { status?: number }).status
        const hint =
          status === 403 || status === 404
            ? "; the token needs 'actions: read' on this repository (add it to the job's permissions)"
            : ''
        throw new ActionError(
          `Could not read the deployment approvals of run ${runId} in ${owner}/${repo}` +
            `${status ? ` (HTTP ${status})` : ''}${hint}`,
          { cause: error }
        )
      }
      const parsed = approvalsSchema.safeParse(data)
      if (!parsed.success) {
        throw new ActionError(
          `GitHub answered the approvals request of run ${runId} with an unexpected shape`
        )
      }
      return parsed.data.map(a => ({
        login: a.user?.login ?? '(unknown)',
        state: a.state,
        comment: a.comment ?? '',
        environments: a.environments.map(e => e.name ?? '').filter(n => n !== '')
      }))
    }
  }
}
