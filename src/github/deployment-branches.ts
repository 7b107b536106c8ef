import type { getOctokit } from '@actions/github'
import * as z from 'zod'
import { ActionError } from '../core/errors.js'

/** One "Deployment branches and tags" rule of an environment with custom branch policies. */
export interface DeploymentBranchPolicy {
  /** The fnmatch pattern (see fnmatch.ts). */
  name: string
  type: 'branch' | 'tag'
}

/** What the promotion guard reads to judge which refs may deploy, and who may review. */
export interface DeploymentBranchReader {
  /**
   * GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies, every
   * page ("Anyone with read access to the repository can use this endpoint").
   */
  listDeploymentBranchPolicies(
    owner: string,
    repo: string,
    environment: string
  ): Promise<DeploymentBranchPolicy[]>
  /** GET /repos/{owner}/{repo}/branches?protected=true, every page: the protected branches' names. */
  listProtectedBranches(owner: string, repo: string): Promise<string[]>
  /**
   * GET /orgs/{org}/teams/{team_slug}/members, every page; undefined when the token cannot read
   * the team (a workflow's GITHUB_TOKEN cannot read organisation teams).
   */
  listTeamMembers(org: string, slug: string): Promise<string[] | undefined>
}

export const branchPoliciesSchema = z.object({
  total_count: z.number().int(),
  branch_policies: z.array(
    z.object({ name: z.string(), type: z.enum(['branch', 'tag']).optional() })
  )
})
export const shortBranchesSchema = z.array(z.object({ name: z.string(), protected: z.boolean() }))
export const teamMembersSchema = z.array(z.object({ login: z.string() }))

/** GitHub's page size cap; a longer list is read page by page, bounded so a reply cannot loop us. */
const PER_PAGE = 100
const MAX_PAGES = 50

type Octokit = ReturnType<typeof getOctokit>

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status
}

export function deploymentBranchReader(octokit: Octokit): DeploymentBranchReader {
  return {
    async listDeploymentBranchPolicies(owner, repo, environment) {
      const all: DeploymentBranchPolicy[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        let data: unknown
        try {
          data = (
            await octokit.request(
              'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
              { owner, repo, environment_name: environment, per_page: PER_PAGE, page }
            )
          ).data
        } catch (error) {
          const status = statusOf(error)
          throw new ActionError(
            `Could not read the deployment branch policies of environment '${environment}' in ${owner}/${repo}` +
              `${status ? ` (HTTP ${status})` : ''}; the token needs read access to the repository`,
            { cause: error }
          )
        }
        const parsed = branchPoliciesSchema.safeParse(data)
        if (!parsed.success)
          throw new ActionError(
            `GitHub answered the deployment branch policies of environment '${environment}' with an unexpected shape`
          )
        for (const p of parsed.data.branch_policies)
          all.push({ name: p.name, type: p.type ?? 'branch' })
        if (parsed.data.branch_policies.length < PER_PAGE || all.length >= parsed.data.total_count)
          return all
      }
      throw new ActionError(
        `Environment '${environment}' in ${owner}/${repo} lists more than ${MAX_PAGES * PER_PAGE} deployment branch policies`
      )
    },

    async listProtectedBranches(owner, repo) {
      const names: string[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        let data: unknown
        try {
          data = (
            await octokit.request('GET /repos/{owner}/{repo}/branches', {
              owner,
              repo,
              protected: true,
              per_page: PER_PAGE,
              page
            })
          ).data
        } catch (error) {
          const status = statusOf(error)
          throw new ActionError(
            `Could not list the protected branches of ${owner}/${repo}${status ? ` (HTTP ${status})` : ''}; ` +
              "the token needs 'contents: read'",
            { cause: error }
          )
        }
        const parsed = shortBranchesSchema.safeParse(data)
        if (!parsed.success)
          throw new ActionError(
            `GitHub answered the protected branches of ${owner}/${repo} with an unexpected shape`
          )
        names.push(...parsed.data.filter(b => b.protected).map(b => b.name))
        if (parsed.data.length < PER_PAGE) return names
      }
      throw new ActionError(
        `${owner}/${repo} lists more than ${MAX_PAGES * PER_PAGE} protected branches`
      )
    },

    async listTeamMembers(org, slug) {
      const logins: string[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        let data: unknown
        try {
          data = (
            await octokit.request('GET /orgs/{org}/teams/{team_slug}/members', {
              org,
              team_slug: slug,
              per_page: PER_PAGE,
              page
            })
          ).data
        } catch {
          // Unreadable (404 or 403 to a token that cannot see the team): membership is unknown.
          return undefined
        }
        const parsed = teamMembersSchema.safeParse(data)
        if (!parsed.success)
          throw new ActionError(
            `GitHub answered the members of team @${org}/${slug} with an unexpected shape`
          )
        logins.push(...parsed.data.map(m => m.login))
        if (parsed.data.length < PER_PAGE) return logins
      }
      return logins
    }
  }
}
