import path from 'node:path'
import { AppendFailedError } from '../../src/audit/append.js'
import { buildEntry } from '../../src/audit/build-entry.js'
import { repositoryPath } from '../../src/audit/git-store.js'
import { signedOffApprovals } from '../../src/audit/read-approvals.js'
import { appendedSummary } from '../../src/audit/summary.js'
import { verifyAudit, verifyMarkdown } from '../../src/audit/verify-audit.js'
import { ActionError, FieldError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner } from '../../src/git/git.js'
import { runContext } from '../../src/github/context.js'
import { uriSecrets } from '../../src/mlflow/connection.js'
import { policyResolver } from '../../src/policy/index.js'
import { renderTrail } from '../../src/provenance/index.js'
import { appendFromInputs, headCommit, trailOptionsFromInputs } from '../common/audit.js'
import type { Inputs } from './inputs.js'
import { appendOutputs, chainOutputs, trailOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

/** One domain call per mode: append (src/audit), verify (src/audit), render (src/provenance). */
export async function main(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  for (const secret of uriSecrets(input['tracking-uri'] || ctx.env.MLFLOW_TRACKING_URI))
    ctx.setSecret(secret)
  // Append checks the path after the event is printed, so a bad one does not lose the event.
  if (input.mode === 'append') return append(ctx, input.file)
  const file = repositoryPath(input.file)
  const full = path.join(workspaceDir(ctx.env), file)
  const missing = (): FieldError =>
    new FieldError(
      'file',
      `names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  if (input.mode === 'verify') {
    const result = await verifyAudit(full, file, trailOptionsFromInputs(ctx, file))
    if (!result.trail.exists) throw missing()
    ctx.setOutputs(trailOutputs(result))
    ctx.summary.add(verifyMarkdown(result, file))
    ctx.logger.info(`${file}: ${result.trail.verdict.statement}`)
    // Annotations are capped at 10 per step: the first ones, then the failure.
    for (const f of result.historyFindings.slice(0, 9))
      ctx.logger.error?.(`${file} line ${f.line}: ${f.reason}`, { file, line: f.line })
    for (const f of result.runs?.findings.filter(f => f.verdict === 'unconfirmable').slice(0, 5) ??
      [])
      ctx.logger.warning(`${file} line ${f.line}: run ${f.run_id}: ${f.reason}`, {
        file,
        line: f.line
      })
    if (result.failure)
      throw new ActionError(result.failure.message, {
        location: { file, line: result.failure.line }
      })
    return
  }
  const rendered = await renderTrail(full, file, {
    keep: input['render-limit'],
    ...(input['model-name'] ? { model: input['model-name'] } : {}),
    policyFor: model =>
      policyResolver({ workspace: workspaceDir(ctx.env), logger: ctx.logger })(model),
    now: new Date(systemClock.now()),
    trail: trailOptionsFromInputs(ctx, file)
  })
  if (!rendered.trail.exists) throw missing()
  ctx.setOutputs(chainOutputs(rendered.trail.report.chain))
  ctx.summary.add(rendered.markdown)
  ctx.logger.info(`${file}: ${rendered.trail.verdict.statement}`)
  for (const warning of rendered.warnings) ctx.logger.warning(warning, { file })
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
  const approvals = await signedOffApprovals(
    input.token,
    context,
    input['sign-off'],
    ctx.logger,
    notes
  )
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
      artifact: input.artifact,
      trackingUri: input['tracking-uri']
    },
    context,
    approvals,
    await headCommit(git, context),
    systemClock.now(),
    ctx.env
  )
  notes.push(...built.notes)
  for (const warning of built.warnings) ctx.logger.warning(warning)
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
