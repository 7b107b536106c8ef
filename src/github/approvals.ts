import { getOctokit } from '@actions/github'
import * as z from 'zod'
import { ActionError } from '../core/errors.js'
import { deploymentBranchReader, type DeploymentBranchReader } from './deployment-branches.js'
import { parseEnvironment, type EnvironmentSettings } from './environment.js'

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

/** What the promotion guard reads from GitHub: the run's reviews, the environments, the repository. */
export interface GithubClient extends ApprovalsClient, DeploymentBranchReader {
  /**
   * GET /repos/{owner}/{repo}/environments/{environment_name}; undefined when GitHub answers 404
   * (no such environment). The OpenAPI description says anyone with read access may call it; the
   * workflow's jobs grant `actions: read`, which the endpoint's older description asked of apps.
   */
  getEnvironment(
    owner: string,
    repo: string,
    name: string
  ): Promise<EnvironmentSettings | undefined>
  /** GET /repos/{owner}/{repo} → default_branch (needs `contents: read` or metadata). */
  getDefaultBranch(owner: string, repo: string): Promise<string>
  /**
   * Whether `username` is an active member of `org/slug`: GET /orgs/{org}/teams/{team_slug} (the
   * token must see the team; a 404 there is TeamUnreadableError, not "no member"), then
   * GET /orgs/{org}/teams/{team_slug}/memberships/{username} (404: not a member). A workflow's
   * GITHUB_TOKEN cannot read organisation teams; a GitHub App installation token with
   * Members: read can.
   */
  teamMembership(
    org: string,
    slug: string,
    username: string
  ): Promise<'active' | 'pending' | 'none'>
}

/** The token cannot see a team, so membership cannot be established either way. */
export class TeamUnreadableError extends ActionError {}

export const approvalsSchema = z.array(
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

export const repositorySchema = z.object({ default_branch: z.string().min(1) })
export const teamSchema = z.object({ slug: z.string() })
export const membershipSchema = z.object({ state: z.enum(['active', 'pending']) })

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status
}

/**
 * The GitHub client on @actions/github's Octokit. `apiUrl` defaults to GITHUB_API_URL (what
 * getOctokit reads), which is also how tests point it at a local stand-in.
 */
export function createGithubClient(token: string, apiUrl?: string): GithubClient {
  const octokit = getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {})
  return {
    ...deploymentBranchReader(octokit),
    async listApprovals(owner, repo, runId) {
      let data: unknown
      try {
        const response = await octokit.request(
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
          { owner, repo, run_id: Number(runId) }
        )
        data = response.data
      } catch (error) {
        const status = statusOf(error)
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
    },

    async getEnvironment(owner, repo, name) {
      let data: unknown
      try {
        const response = await octokit.request(
          'GET /repos/{owner}/{repo}/environments/{environment_name}',
          { owner, repo, environment_name: name }
        )
        data = response.data
      } catch (error) {
        const status = statusOf(error)
        if (status === 404) return undefined
        throw new ActionError(
          `Could not read the settings of environment '${name}' in ${owner}/${repo}` +
            `${status ? ` (HTTP ${status})` : ''}` +
            (status === 403 || status === 401
              ? "; the token needs read access to the repository: give the job 'actions: read' (a classic PAT needs the repo scope)"
              : ''),
          { cause: error }
        )
      }
      return parseEnvironment(data, name)
    },

    async getDefaultBranch(owner, repo) {
      let data: unknown
      try {
        data = (await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })).data
      } catch (error) {
        const status = statusOf(error)
        throw new ActionError(
          `Could not read the default branch of ${owner}/${repo}${status ? ` (HTTP ${status})` : ''}`,
          { cause: error }
        )
      }
      const parsed = repositorySchema.safeParse(data)
      if (!parsed.success)
        throw new ActionError(`GitHub answered GET /repos/${owner}/${repo} with no default_branch`)
      return parsed.data.default_branch
    },

    async teamMembership(org, slug, username) {
      const team = `@${org}/${slug}`
      try {
        const data = (
          await octokit.request('GET /orgs/{org}/teams/{team_slug}', { org, team_slug: slug })
        ).data as unknown
        if (!teamSchema.safeParse(data).success)
          throw new ActionError(
            `GitHub answered the request for team ${team} with an unexpected shape`
          )
      } catch (error) {
        if (error instanceof ActionError) throw error
        const status = statusOf(error)
        throw new TeamUnreadableError(
          `The github-token cannot read team ${team}${status ? ` (HTTP ${status})` : ''}`,
          { cause: error }
        )
      }
      let data: unknown
      try {
        data = (
          await octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
            org,
            team_slug: slug,
            username
          })
        ).data
      } catch (error) {
        const status = statusOf(error)
        if (status === 404) return 'none'
        throw new TeamUnreadableError(
          `The github-token cannot read the membership of ${username} in team ${team}${status ? ` (HTTP ${status})` : ''}`,
          { cause: error }
        )
      }
      const parsed = membershipSchema.safeParse(data)
      if (!parsed.success)
        throw new ActionError(
          `GitHub answered the membership request for team ${team} with an unexpected shape`
        )
      return parsed.data.state
    }
  }
}

/** The approvals part alone (audit-log records reviews and needs nothing else). */
export function createApprovalsClient(token: string, apiUrl?: string): ApprovalsClient {
  return createGithubClient(token, apiUrl)
}
