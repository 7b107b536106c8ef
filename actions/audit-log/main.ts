import path from 'node:path'
import { appendEntry, AppendFailedError, type AuditStore } from '../../src/audit/append.js'
import { buildEntry } from '../../src/audit/build-entry.js'
import type { AuditApproval } from '../../src/audit/entry.js'
import { currentBranch, GitAuditStore, repositoryPath } from '../../src/audit/git-store.js'
import { GraphqlAuditStore } from '../../src/audit/graphql-store.js'
import { inspectFile } from '../../src/audit/inspect.js'
import { labelRoles } from '../../src/audit/sign-off.js'
import { chainStatus, renderAppended, renderEntries } from '../../src/audit/render.js'
import { ActionError, ConfigurationError, errorMessage } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner, type GitRunner } from '../../src/git/git.js'
import { createApprovalsClient } from '../../src/github/approvals.js'
import { runContext, type RunContext } from '../../src/github/context.js'
import { createGraphqlClient } from '../../src/github/graphql.js'
import { uriSecrets } from '../../src/mlflow/connection.js'
import type { inputs } from './inputs.js'
import { reconcileMode } from './reconcile.js'
import { verifyMode } from './verify.js'

type Context = ActionContext<typeof inputs.specs>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  if (input.token) ctx.setSecret(input.token)
  for (const secret of uriSecrets(input['tracking-uri'] || ctx.env.MLFLOW_TRACKING_URI))
    ctx.setSecret(secret)
  // Append checks the path after the event is printed, so a bad one does not lose the event.
  if (input.mode === 'append') return append(ctx, input.file)
  const file = repositoryPath(input.file)
  if (input.mode === 'reconcile') {
    return reconcileMode(ctx, file, (git, context, repoDir) =>
      buildStore(ctx, git, context, file, repoDir)
    )
  }
  if (input.mode === 'verify') {
    await verifyMode(ctx, file)
    return
  }
  return inspect(ctx, file)
}

async function inspect(ctx: Context, file: string): Promise<void> {
  const { inputs: input } = ctx
  const root = workspaceDir(ctx.env)
  const full = path.join(root, file)
  const keep = input.mode === 'render' ? input['render-limit'] : 0
  const { exists, chain, newest } = await inspectFile(full, keep, input['expected-sha256'], {
    root,
    label: `Input 'file' names '${file}', which`
  })
  if (!exists)
    throw new ConfigurationError(
      `Input 'file' names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  ctx.setOutput('entries', chain.entries)
  ctx.setOutput('head-sha256', chain.headSha256)
  ctx.setOutput('valid', chain.valid)
  ctx.setOutput('first-bad-line', chain.firstBad?.line ?? '')
  ctx.setOutput('first-bad-reason', chain.firstBad?.reason ?? '')
  ctx.summary.add(
    input.mode === 'render' ? renderEntries(file, newest, chain) : chainStatus(file, chain)
  )
  if (chain.valid) {
    ctx.logger.info(`${file}: ${chain.entries} entries, chain valid, head ${chain.headSha256}`)
    return
  }
  const bad = chain.firstBad!
  const message = `${file} line ${bad.line} ${bad.reason}; the chain is broken there (${chain.entries} line(s) before it verified)`
  if (input.mode === 'render') ctx.logger.warning(message, { file, line: bad.line })
  else throw new ActionError(message, { location: { file, line: bad.line } })
}

async function readApprovals(
  ctx: Context,
  context: RunContext,
  notes: string[]
): Promise<AuditApproval[]> {
  const token = ctx.inputs.token
  if (!token) {
    notes.push(
      "No `token` was given, so `approvals` is empty; pass `token: ${{ github.token }}` with `actions: read` to record the run's deployment reviews."
    )
    return []
  }
  if (!context.owner || !context.repo || !context.runId) {
    notes.push(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set, so the approvals of this run cannot be read; `approvals` is empty.'
    )
    return []
  }
  try {
    return await createApprovalsClient(token, context.apiUrl).listApprovals(
      context.owner,
      context.repo,
      context.runId
    )
  } catch (error) {
    // The event is still recorded: losing the entry would be worse than recording it without reviews.
    ctx.logger.warning(errorMessage(error))
    notes.push(
      `The approvals could not be read (${escapeText(errorMessage(error))}); \`approvals\` is empty.`
    )
    return []
  }
}

async function gitCommit(git: GitRunner, context: RunContext): Promise<string> {
  if (context.sha) return context.sha
  const head = await git.run(['rev-parse', 'HEAD'], { allowFailure: true })
  return head.code === 0 ? head.stdout.trim() : ''
}

async function buildStore(
  ctx: Context,
  git: GitRunner,
  context: RunContext,
  file: string,
  repoDir: string
): Promise<AuditStore> {
  const { inputs: input } = ctx
  const branch = input.branch || (await currentBranch(git, repoDir, ctx.env))
  if (input['commit-method'] === 'git') {
    return new GitAuditStore(
      git,
      {
        repoDir,
        file,
        branch,
        push: input.push,
        author: { name: input['author-name'], email: input['author-email'] }
      },
      ctx.logger
    )
  }
  if (!input.token)
    throw new ConfigurationError(
      "Input 'token' is required with commit-method: api; pass a token with contents: write"
    )
  if (!input.push)
    throw new ConfigurationError(
      "Input 'push' is false, but commit-method: api always commits on GitHub; use commit-method: git"
    )
  if (!context.owner || !context.repo)
    throw new ConfigurationError(
      'commit-method: api needs GITHUB_REPOSITORY (owner/repo); run it inside GitHub Actions'
    )
  if (input['author-name'] !== 'github-actions[bot]') {
    ctx.logger.warning(
      'author-name and author-email are ignored with commit-method: api; GitHub sets the author of signed commits'
    )
  }
  return new GraphqlAuditStore(createGraphqlClient(input.token, context.apiUrl), {
    owner: context.owner,
    repo: context.repo,
    branch,
    file
  })
}

async function append(ctx: Context, fileInput: string): Promise<void> {
  const { inputs: input } = ctx
  if (!input.event)
    throw new ConfigurationError(
      "Input 'event' is required in append mode; set it to promote, rollback, gate-failed, ..."
    )
  if (!input['model-name'])
    throw new ConfigurationError(
      "Input 'model-name' is required in append mode; set it to the registered model's name"
    )
  const repoDir = workspaceDir(ctx.env)
  const git = createGitRunner(ctx.logger, repoDir)
  const context = runContext(ctx.env)
  const notes: string[] = []
  const labelled = labelRoles(await readApprovals(ctx, context, notes), input['sign-off'])
  if (labelled.note) {
    ctx.logger.warning(labelled.note)
    notes.push(labelled.note)
  }
  const approvals = labelled.approvals
  const built = buildEntry(
    {
      event: input.event,
      outcome: input.outcome,
      model: input['model-name'],
      version: input.version,
      from: input.from,
      to: input.to,
      previousVersion: input['previous-version'],
      reason: input.reason,
      metrics: input.metrics,
      gates: input.gates,
      lineage: input.lineage,
      trackingUri: input['tracking-uri']
    },
    context,
    approvals,
    await gitCommit(git, context),
    systemClock.now(),
    ctx.env
  )
  notes.push(...built.notes)
  for (const bad of built.invalid) {
    ctx.logger.warning(
      `Input '${bad.input}' ${bad.reason}; the event is recorded with ${bad.field} left empty and named in 'invalid'. ` +
        `Fix what the workflow passes as '${bad.input}'`
    )
  }
  // Printed before any attempt, so the event survives in the log whatever happens next.
  ctx.logger.info(`Audit event: ${JSON.stringify(built.fields)}`)
  let file = 'the audit log'
  try {
    file = repositoryPath(fileInput)
    const store = await buildStore(ctx, git, context, file, repoDir)
    const result = await appendEntry(
      store,
      built.fields,
      file,
      { maxAttempts: input['max-attempts'], backoffMs: input['backoff-ms'] },
      { logger: ctx.logger, clock: systemClock }
    )
    ctx.setOutput('entry', result.line)
    ctx.setOutput('sha256', result.sha256)
    ctx.setOutput('seq', result.seq)
    ctx.setOutput('commit-sha', result.commitSha)
    ctx.setOutput('attempts', result.attempts)
    ctx.logger.info(
      `Recorded line ${result.seq} of ${file} in ${result.commitSha} after ${result.attempts} attempt(s)`
    )
    ctx.summary.add([renderAppended(file, result.line, result), ...notes].join('\n\n'))
  } catch (error) {
    const line =
      error instanceof AppendFailedError && error.line ? error.line : JSON.stringify(built.fields)
    ctx.summary.add([renderAppended(file, line, undefined), ...notes].join('\n\n'))
    if (error instanceof AppendFailedError) ctx.setOutput('attempts', error.attempts)
    throw error
  }
}
