// Types of github-standin.mjs (see there).
/**
 * A local stand-in for the GitHub REST endpoints the promotion guard reads, in the shapes of
 * GitHub's published description (@octokit/openapi; test/unit/github/contract.test.ts validates
 * every answer against it) and keeping GitHub's rules:
 *  - GET /repos/{owner}/{repo}                              → default_branch
 *  - GET /repos/{owner}/{repo}/environments/{name}          → protection rules, branch policy
 *  - GET /repos/{owner}/{repo}/actions/runs/{id}            → the run (path, event, head_branch, head_sha,
 *                                                             display_title, conclusion, actor, referenced_workflows)
 *  - GET …/actions/runs/{id}/attempts/{n}                   → one attempt of it (n ≤ its run_attempt)
 *  - GET /repos/{owner}/{repo}/actions/runs/{id}/approvals  → the run's reviews ([] for a known run without any)
 *  - GET /repos/{owner}/{repo}/environments/{name}/deployment-branch-policies, GET /repos/{owner}/{repo}/branches
 *    and GET /orgs/{org}/teams/{team_slug}/members → an environment's branch rules, the protected
 *    branches, a team's members (paginated with per_page and page, as GitHub does)
 *  - GET /repos/{owner}/{repo}/git/ref/heads/{branch}       → a branch's head (setBranch)
 *  - GET /repos/{owner}/{repo}/compare/{base}...{head}      → ahead/behind/identical/diverged over setBranch's lines
 * Every answer carries GitHub's x-ratelimit-* headers; a spent limit answers 403 until its reset.
 * A review is recorded only for an environment a job of the run is waiting on (a pending
 * deployment, setPendingDeployments), only from a required reviewer of it, and only the first
 * review of each environment in a run counts: GitHub decides a pending deployment by its first
 * review ("Only one of the required reviewers needs to approve the job for it to proceed").
 */
export interface FakeReview {
  login: string
  state: 'approved' | 'rejected'
  comment?: string
  /** The environment reviewed; defaults to production. */
  environment?: string
}
export interface FakeEnvironment {
  /**
   * Required reviewers: logins, and teams written @org/slug (members as setTeam gave them); none
   * means the environment has no required-reviewers rule.
   */
  reviewers?: string[]
  preventSelfReview?: boolean
  /** protected: protected branches only; custom: selected branches; none: every branch. */
  branchPolicy?: 'protected' | 'custom' | 'none'
  /** With branchPolicy custom: its name patterns (GET …/deployment-branch-policies); type defaults to branch. */
  branchRules?: { name: string; type?: 'branch' | 'tag' }[]
}
export interface FakeRun {
  /** The workflow file, e.g. .github/workflows/promote.yml. */
  path: string
  actor: string
  triggeringActor?: string
  /** ISO time. */
  createdAt: string
  updatedAt?: string
  /** The reusable workflows it called: {path: owner/repo/.github/workflows/x.yml@ref, sha, ref}. */
  referencedWorkflows?: { path: string; sha: string; ref?: string }[] | null
  runAttempt?: number
  runNumber?: number
  headSha?: string
  headBranch?: string
  /** workflow_dispatch unless said otherwise (push, schedule, …). */
  event?: string
  /** The workflow's name. */
  name?: string
  /** What GitHub shows as display_title: the evaluated `run-name` (defaults to name). */
  displayTitle?: string
  /** completed unless said otherwise (queued, in_progress, waiting). */
  status?: string
  /** success for a completed run unless said otherwise (failure, cancelled, …); null while running. */
  conclusion?: string | null
  /** Per-attempt differences, served by …/attempts/{n}. */
  attempts?: Record<number, Partial<Omit<FakeRun, 'attempts'>>>
}
export interface GithubFake {
  uri: string
  /** Every request seen: method, path and whether it carried a token. */
  requests: {
    method: string
    path: string
    authorization: string | undefined
  }[]
  /** Every answer sent, for the contract test: the route template, status and body. */
  responses: {
    route: string
    status: number
    body: unknown
  }[]
  setRepository(
    repository: string,
    options: {
      defaultBranch: string
    }
  ): void
  setEnvironment(repository: string, name: string, settings: FakeEnvironment): void
  /**
   * The repository's protected branches (GET /repos/{owner}/{repo}/branches?protected=true);
   * unless set, the default branch alone is protected.
   */
  setProtectedBranches(repository: string, names: string[]): void
  /**
   * A team and its active members. `visible: false` answers 404 to the team, as GitHub does to a
   * token that cannot see it (a workflow's GITHUB_TOKEN cannot read organisation teams).
   */
  setTeam(
    team: string,
    members: string[],
    options?: {
      visible?: boolean
    }
  ): void
  /**
   * Records reviews of a run as GitHub would, in order. Throws, as GitHub refuses it, for an
   * environment no job of the run is waiting on (setPendingDeployments), a reviewer who is not a
   * required reviewer of the environment, or a second review of one
   * environment in one run (that deployment was already decided).
   */
  setApprovals(repository: string, runId: string, reviews: FakeReview[]): void
  /**
   * The environments that jobs of a run reached and now wait on (GitHub's pending deployments);
   * only these can be reviewed. An environment without required reviewers never makes a job wait.
   */
  setPendingDeployments(repository: string, runId: string, environments: string[]): void
  /** A branch's first-parent history, oldest first (for git/ref and compare). */
  setBranch(repository: string, branch: string, commits: string[]): void
  /** A workflow run GitHub knows (GET …/actions/runs/{id}); its approvals are [] until setApprovals. */
  setRun(repository: string, runId: string, run: FakeRun): void
  /** Deletes a run's record, as a repository admin can. */
  deleteRun(repository: string, runId: string): void
  /** Sets the primary rate limit: remaining requests, and the reset in seconds from now. */
  setRateLimit(limit: { remaining: number; resetInSeconds: number }): void
  close(): Promise<void>
}
export declare function startGithubFake(): Promise<GithubFake>
/** The environments a list of reviews names (production when none is named). */
export declare function pendingFor(reviews: FakeReview[]): string[]
