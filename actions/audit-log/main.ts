import path from 'node:path'
import { appendEvent } from '../../src/audit/append-event.js'
import { repositoryPath } from '../../src/audit/git-store.js'
import { auditFileMissing, verifyAndReport } from '../../src/audit/verify-report.js'
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

/** One domain call per mode: append and verify (src/audit), render (src/provenance). */
export async function main(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  for (const secret of uriSecrets(input['tracking-uri'] || ctx.env.MLFLOW_TRACKING_URI))
    ctx.setSecret(secret)
  // Append checks the path after the event is printed, so a bad one does not lose the event.
  if (input.mode === 'append') return append(ctx)
  const file = repositoryPath(input.file)
  const full = path.join(workspaceDir(ctx.env), file)
  if (input.mode === 'verify') {
    const verified = await verifyAndReport(
      full,
      file,
      trailOptionsFromInputs(ctx, file),
      ctx.logger
    )
    ctx.setOutputs(trailOutputs(verified.result))
    ctx.summary.add(verified.summary)
    if (verified.failure) throw verified.failure
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
  if (!rendered.trail.exists) throw auditFileMissing(file)
  ctx.setOutputs(chainOutputs(rendered.trail.report.chain))
  ctx.summary.add(rendered.markdown)
  ctx.logger.info(`${file}: ${rendered.trail.verdict.statement}`)
  for (const warning of rendered.warnings) ctx.logger.warning(warning, { file })
}

async function append(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  const repoDir = workspaceDir(ctx.env)
  const git = createGitRunner(ctx.logger, repoDir)
  const run = runContext(ctx.env)
  const outcome = await appendEvent(
    {
      // The refine step of the inputs guarantees both in append mode.
      event: input.event!,
      model: input['model-name']!,
      outcome: input.outcome,
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
    input.file,
    {
      logger: ctx.logger,
      run,
      env: ctx.env,
      headCommit: () => headCommit(git, run),
      clock: systemClock,
      token: input.token,
      signOff: input['sign-off'],
      append: (file, fields) => appendFromInputs(ctx, { git, run, repoDir, file }, fields)
    }
  )
  ctx.summary.add(outcome.summary)
  if (outcome.appended) return ctx.setOutputs(appendOutputs(outcome.result))
  if (outcome.attempts !== undefined) ctx.setOutputs({ attempts: outcome.attempts })
  throw outcome.error
}
