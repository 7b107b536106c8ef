import path from 'node:path'
import { AppendFailedError } from '../../src/audit/append.js'
import { buildEntry } from '../../src/audit/build-entry.js'
import type { AuditApproval } from '../../src/audit/entry.js'
import { repositoryPath } from '../../src/audit/git-store.js'
import { inspectFile } from '../../src/audit/inspect.js'
import { labelRoles } from '../../src/audit/sign-off.js'
import { appendedSummary, chainSummary, entriesSummary } from '../../src/audit/summary.js'
import { ActionError, FieldError, errorMessage } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner } from '../../src/git/git.js'
import { createApprovalsClient } from '../../src/github/approvals.js'
import { runContext, type RunContext } from '../../src/github/context.js'
import { uriSecrets } from '../../src/mlflow/connection.js'
import { appendFromInputs, headCommit } from '../common/audit.js'
import type { Inputs } from './inputs.js'
import { appendOutputs, chainOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  for (const secret of uriSecrets(input['tracking-uri'] || ctx.env.MLFLOW_TRACKING_URI))
    ctx.setSecret(secret)
  // Append checks the path after the event is printed, so a bad one does not lose the event.
  if (input.mode === 'append') return append(ctx, input.file)
  return inspect(ctx, repositoryPath(input.file))
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
    throw new FieldError(
      'file',
      `names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  ctx.setOutputs(chainOutputs(chain))
  ctx.summary.add(
    input.mode === 'render' ? entriesSummary(file, newest, chain) : chainSummary(file, chain)
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

async function append(ctx: Context, fileInput: string): Promise<void> {
  const { inputs: input } = ctx
  // The refine step of the inputs guarantees both in append mode.
  const event = input.event!
  const model = input['model-name']!
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
      event,
      outcome: input.outcome,
      model,
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
    await headCommit(git, context),
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
    const result = await appendFromInputs(ctx, { git, run: context, repoDir, file }, built.fields)
    ctx.setOutputs(appendOutputs(result))
    ctx.logger.info(
      `Recorded line ${result.seq} of ${file} in ${result.commitSha} after ${result.attempts} attempt(s)`
    )
    ctx.summary.add([appendedSummary(file, result.line, result), ...notes].join('\n\n'))
  } catch (error) {
    const line =
      error instanceof AppendFailedError && error.line ? error.line : JSON.stringify(built.fields)
    ctx.summary.add([appendedSummary(file, line, undefined), ...notes].join('\n\n'))
    if (error instanceof AppendFailedError) ctx.setOutputs({ attempts: error.attempts })
    throw error
  }
}
