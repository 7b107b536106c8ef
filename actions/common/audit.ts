import { IdentityFormatError, parseIdentities } from '../../src/audit/identities.js'
import { FieldError } from '../../src/core/errors.js'
import { appendEntry, type AppendResult } from '../../src/audit/append.js'
import type { EntryFields } from '../../src/audit/format.js'
import { openAuditStore } from '../../src/audit/store.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import type { GitRunner } from '../../src/git/git.js'
import { runContext, type RunContext } from '../../src/github/context.js'
import { createRunsClient } from '../../src/github/runs.js'
import { parseApprovalWorkflows } from '../../src/audit/run-policy.js'
import { policyResolver, runCheckFacts } from '../../src/policy/index.js'
import type { GithubCheck, TrailOptions } from '../../src/audit/trail.js'
import { runCheckGithub } from '../../src/audit/trail-github.js'
import { workspaceDir } from '../../src/core/workspace.js'

/** The values of auditCommitInputs (src/core/common-inputs.ts). */
export interface AuditCommitValues {
  token?: string | undefined
  push: boolean
  branch?: string | undefined
  'commit-method': 'git' | 'api'
  'max-attempts': number
  'backoff-ms': number
  'author-name': string
  'author-email': string
}

/** The commit being recorded: the run's, else the checkout's HEAD, else empty. */
export async function headCommit(git: GitRunner, run: RunContext): Promise<string> {
  if (run.sha) return run.sha
  const head = await git.run(['rev-parse', 'HEAD'], { allowFailure: true })
  return head.code === 0 ? head.stdout.trim() : ''
}

/** Appends one entry as the action's inputs say (method, branch, retries), through the one store factory. */
export async function appendFromInputs(
  ctx: ActionContext<AuditCommitValues>,
  target: { git: GitRunner; run: RunContext; repoDir: string; file: string },
  fields: EntryFields
): Promise<AppendResult> {
  const input = ctx.inputs
  const store = await openAuditStore({
    method: input['commit-method'],
    repoDir: target.repoDir,
    file: target.file,
    branch: input.branch,
    push: input.push,
    author: { name: input['author-name'], email: input['author-email'] },
    token: input.token,
    run: target.run,
    env: ctx.env,
    git: target.git,
    logger: ctx.logger
  })
  return appendEntry(
    store,
    fields,
    target.file,
    { maxAttempts: input['max-attempts'], backoffMs: input['backoff-ms'] },
    { logger: ctx.logger, clock: systemClock }
  )
}

/** The audit-identities input as identities; undefined (the suite's own) when empty. */
export function auditIdentities(
  raw: string | undefined
): ReturnType<typeof parseIdentities> | undefined {
  if (!raw) return undefined
  try {
    return parseIdentities(raw)
  } catch (error) {
    if (error instanceof IdentityFormatError)
      throw new FieldError('audit-identities', error.message)
    throw error
  }
}

/**
 * The trusted reader's settings from the shared audit inputs, the same for every mode and
 * action that reads the trail: the history check (history, audit-identities), the anchors, and
 * GitHub's record of the runs when a token is given.
 */
export function trailOptionsFromInputs(
  ctx: ActionContext<TrailInputValues>,
  file: string
): TrailOptions {
  const input = ctx.inputs
  const root = workspaceDir(ctx.env)
  const identities = auditIdentities(input['audit-identities'])
  const options: TrailOptions = {
    root,
    label: `Input 'file' names '${file}', which`,
    history: input.history,
    ...(identities ? { identities } : {}),
    ...(input['expected-sha256'] ? { expectedSha256: input['expected-sha256'] } : {}),
    ...(input['expected-commit'] ? { expectedCommit: input['expected-commit'] } : {})
  }
  if (!input.token) return options
  options.github = githubCheckFromToken(ctx, input.token, {
    approvalWorkflows: input['approval-workflows']
  })
  return options
}

/**
 * GitHub's record of the runs as the trusted reader's GitHub step, for any action that reads
 * the trail with a token: the repository and API from the run's environment, the governance
 * keys and stages from the workspace's policy, and `approval-workflows` (when given) pinning
 * the approval workflow, each with its ref.
 */
export function githubCheckFromToken(
  ctx: Pick<ActionContext<unknown>, 'env' | 'logger'>,
  token: string,
  options: {
    /** The `approval-workflows` input, pinning the approval workflow with its ref. */
    approvalWorkflows?: string | undefined
    /** The input the token came from, for the error naming it. */
    input?: string
    /** The policy file the action follows (default: the workspace's default policy). */
    policyFile?: string | undefined
  } = {}
): GithubCheck {
  const { approvalWorkflows, input = 'token', policyFile } = options
  const root = workspaceDir(ctx.env)
  const context = runContext(ctx.env)
  if (!context.repository)
    throw new FieldError(
      input,
      'turns on the run check, which needs GITHUB_REPOSITORY (owner/repo); run it inside GitHub Actions'
    )
  // The policy's governance keys and stages; the input, when given, pins the approval workflow.
  const { accepted, refused } = parseApprovalWorkflows(approvalWorkflows ?? '')
  if (refused.length > 0)
    throw new FieldError(
      'approval-workflows',
      `names ${refused.map(r => JSON.stringify(r)).join(', ')} without a ref; write owner/repo/.github/workflows/model-approval.yml@<ref>, the ref your callers pin (the ref is compared)`
    )
  const facts = runCheckFacts(policyResolver({ policyFile, workspace: root, logger: ctx.logger }))
  return runCheckGithub(
    createRunsClient(token, context.apiUrl),
    {
      repository: context.repository,
      policy: accepted.length > 0 ? { ...facts, approvalWorkflows: accepted } : facts,
      approvalsHorizonDays: 90,
      concurrency: 4,
      maxWaitSeconds: 300
    },
    systemClock
  )
}

/** The inputs trailOptionsFromInputs reads. */
export interface TrailInputValues {
  token?: string | undefined
  history: boolean
  'audit-identities'?: string | undefined
  'expected-sha256'?: string | undefined
  'expected-commit'?: string | undefined
  'approval-workflows'?: string | undefined
}
