import { ActionError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { guardPath, guardRoot } from '../../src/files/paths.js'
import { readAcceptedSync } from '../../src/files/read.js'
import { lineOf } from '../../src/gate/file-sources.js'
import { runGate } from '../../src/gate/gate.js'
import type { MetricsClient } from '../../src/gate/mlflow-sources.js'
import { gateSummary } from '../../src/gate/summary.js'
import { loadPolicy } from '../../src/policy/index.js'
import { mlflowClient } from '../common/mlflow.js'
import type { Inputs } from './inputs.js'
import { gateOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger } = ctx
  const workspace = workspaceDir(ctx.env)
  const policy = loadPolicy({
    policyFile: input['policy-file'],
    workspace,
    model: input['model-name'],
    logger
  })
  // The file loadPolicy just read (and guarded), again for the lines of its gates.
  const policySafe = policy.source
    ? guardPath(guardRoot(workspace), policy.source, { allowExternal: true, absoluteInside: true })
    : undefined
  const policyText =
    policySafe?.ok === true
      ? readAcceptedSync(policySafe, { display: `Policy file ${policy.source}` })?.toString('utf8')
      : undefined
  let client: MetricsClient | undefined
  const lazyClient = (): MetricsClient => (client ??= mlflowClient(ctx))

  const run = await runGate(
    {
      candidate: input.candidate,
      thresholds: input.thresholds,
      stage: input.stage,
      allowEmpty: input['allow-empty'],
      metricsFiles: input['metrics-files'],
      dvcMetrics: input['dvc-metrics'],
      allowExternal: input['allow-external'],
      allowUnfinishedRuns: input['allow-unfinished-runs'],
      prefer: input.prefer,
      aggregate: input.aggregate,
      missing: input.missing,
      compareTo: input['compare-to'],
      maxRegression: input['max-regression'],
      minImprovement: input['min-improvement'],
      greaterIsBetter: input['greater-is-better'],
      policy,
      policyText,
      workspace
    },
    lazyClient,
    logger
  )
  const { result } = run

  for (const notice of run.notices) logger.notice(notice)
  for (const row of result.rows.filter(r => r.verdict === 'skipped'))
    logger.warning(`${row.metric}: ${row.reason ?? 'skipped'}`)
  // A failing metric read from a file is annotated where it is defined; the step's one failure
  // message still comes from the run wrapper.
  for (const row of result.failures.filter(r => r.file)) {
    const line = lineOf(run.files, row.file!, row.keyPath)
    logger.error?.(`${row.metric} (${row.rule}): ${row.reason ?? 'failed'}`, {
      file: row.file!,
      ...(line ? { line } : {})
    })
  }

  ctx.setOutputs(gateOutputs(run))
  ctx.summary.add(
    gateSummary(result, { subject: run.subject, champion: run.champion, notices: run.notices })
  )

  if (result.passed) {
    logger.info(
      `validate-metrics passed: ${result.rows.length} check${result.rows.length === 1 ? '' : 's'} on ${run.subject}`
    )
    return
  }
  const message = `validate-metrics failed ${result.failures.length} of ${result.rows.length} checks on ${run.subject}: ${result.failures.map(f => f.reason ?? f.rule).join(' | ')}`
  if (input['fail-on-violation']) throw new ActionError(message)
  logger.warning(`${message} (fail-on-violation is false, so the step succeeds with passed=false)`)
}
