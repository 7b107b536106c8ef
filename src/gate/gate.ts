import { ConfigurationError, FieldError, problemWith, type Subject } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { findStage, type Policy, type StagePolicy } from '../policy/index.js'
import { parseCompareTo, resolveChampion } from './champion.js'
import { combineSources, parsePrefer } from './combine.js'
import { buildComparisons } from './comparisons.js'
import { evaluateGate, type ChampionMetrics, type GateResult, type ReportRow } from './evaluate.js'
import {
  dvcDeclaredMetrics,
  listInputFiles,
  loadMetricsFiles,
  type LoadedFile
} from './file-sources.js'
import {
  readRun,
  readVersionMetrics,
  type Aggregate,
  type MetricsClient
} from './mlflow-sources.js'
import { parseDirection, parsePerMetric, parseTolerance } from './per-metric.js'
import { inputRules, policyRules } from './policy-rules.js'
import type { MetricObservation } from './types.js'

import type { Candidate } from './candidate.js'

export { candidateOf, type Candidate, type CandidateFields } from './candidate.js'

export interface GateOptions {
  candidate: Candidate
  thresholds?: string | undefined
  stage?: string | undefined
  allowEmpty: boolean
  metricsFiles?: string | undefined
  dvcMetrics: boolean
  prefer?: string | undefined
  aggregate: Aggregate
  missing: 'fail' | 'warn'
  compareTo?: string | undefined
  maxRegression?: string | undefined
  minImprovement?: string | undefined
  greaterIsBetter?: string | undefined
  policy: Policy
  /** The policy file's text, to point errors in its gates at a line. */
  policyText?: string | undefined
  workspace: string
  /** Read metrics files outside the workspace (input allow-external). */
  allowExternal?: boolean
  /** Let a candidate whose run is not FINISHED pass (input allow-unfinished-runs). */
  allowUnfinishedRuns?: boolean
}

/**
 * A run that FAILED, was KILLED or is still RUNNING (or SCHEDULED) has metrics that may be
 * partial or from a broken job: it fails the gate as its own row, unless allowed, so the
 * outputs and fail-on-violation work as for any other failed check.
 */
function runStatusRow(
  runId: string,
  status: string | undefined,
  whose: string
): ReportRow | undefined {
  if (status === undefined || status === 'FINISHED') return undefined
  return {
    metric: '(run status)',
    check: 'run-status',
    rule: 'run status is FINISHED',
    observed: status,
    champion: null,
    delta: null,
    verdict: 'fail',
    reason: `${whose}run ${runId} has status ${status}, not FINISHED: its metrics may be incomplete or come from a failed job; finish (or re-run) it, or set allow-unfinished-runs: true`,
    source: `run ${runId}`,
    origin: 'run status'
  }
}

export interface GateRun {
  result: GateResult
  subject: string
  champion: string
  championVersion?: string
  notices: string[]
  files: LoadedFile[]
}

function stageOf(policy: Policy, name: string | undefined): StagePolicy | undefined {
  if (!name) return undefined
  const stage = findStage(policy, name)
  if (!stage) {
    throw new FieldError(
      'stage',
      `is '${name}', which ${policy.source ? `policy file ${policy.source}` : 'the default stage order'} does not list; use one of: ${policy.stages.map(s => s.name).join(', ')}`
    )
  }
  return stage
}

/**
 * Reads the rules, gathers the candidate's and the champion's metrics through the injected
 * client (created only when MLflow is needed, so a files-only gate needs no server), and
 * evaluates. Nothing here writes to the registry.
 */
export async function runGate(
  options: GateOptions,
  client: () => MetricsClient,
  logger: Logger
): Promise<GateRun> {
  const notices: string[] = []
  const stage = stageOf(options.policy, options.stage)
  const rules = [
    ...inputRules(options.thresholds),
    ...(stage ? policyRules(stage, options.policy.source, options.policyText) : [])
  ]
  const comparisons = buildComparisons(
    stage,
    {
      maxRegression: parsePerMetric(options.maxRegression, 'max-regression', parseTolerance),
      minImprovement: parsePerMetric(options.minImprovement, 'min-improvement', parseTolerance),
      greaterIsBetter: parsePerMetric(options.greaterIsBetter, 'greater-is-better', parseDirection)
    },
    rules,
    options.policy.source
  )
  const who = options.candidate
  const fromMlflow = who.kind !== 'files'
  const model = who.kind === 'files' ? undefined : who.model
  const version = who.kind === 'files' ? undefined : who.version
  const runId = who.kind === 'run' ? who.runId : undefined

  const fileList = [
    ...listInputFiles(options.metricsFiles),
    ...(options.dvcMetrics
      ? dvcDeclaredMetrics(options.workspace, options.allowExternal ?? false)
      : [])
  ]
  const subject = [
    model && version ? `${model} version ${version}` : runId ? `run ${runId}` : '',
    fileList.length ? fileList.join(', ') : ''
  ]
    .filter(Boolean)
    .join(' + ')

  if (rules.length === 0 && comparisons.length === 0) {
    if (!options.allowEmpty) {
      throw new ConfigurationError(
        `No rules to check: 'thresholds' is empty${stage ? ` and policy stage '${stage.name}' has no gates` : " and no 'stage' names policy gates"}, and no max-regression/min-improvement is set. A gate that checks nothing cannot pass; add rules, or set allow-empty: true`
      )
    }
    notices.push(
      stage
        ? `Policy stage '${stage.name}' declares no gates, so no metric was checked: the gate passes because allow-empty is true. To require metrics, add gates to the stage, e.g. gates: [accuracy >= 0.80].`
        : 'The gate has no rules; it passes because allow-empty is true.'
    )
    return {
      result: { passed: true, rows: [], failures: [], evaluated: {} },
      subject: subject || 'nothing',
      champion: 'not compared',
      notices,
      files: []
    }
  }
  if (!fromMlflow && fileList.length === 0) {
    throw new ConfigurationError(
      "No metrics to check: set 'model-name' with 'version', 'run-id', 'metrics-files' or 'dvc-metrics: true'"
    )
  }

  const needed = new Set([...rules.map(r => r.metric), ...comparisons.map(c => c.metric)])
  const files = loadMetricsFiles(options.workspace, fileList, options.allowExternal ?? false)
  const observations: MetricObservation[] = files.flatMap(f => f.observations)
  const readOptions = { aggregate: options.aggregate, needed, logger }
  let statusRow: ReportRow | undefined
  if (runId) {
    const read = await readRun(client(), runId, readOptions)
    observations.push(...read.observations)
    statusRow = runStatusRow(runId, read.status, '')
  } else if (model && version) {
    const record = await client().getModelVersion(model, version)
    const read = await readVersionMetrics(client(), model, record, readOptions)
    observations.push(...read.observations)
    if (read.runId)
      statusRow = runStatusRow(read.runId, read.runStatus, `version ${record.version}'s `)
  }
  if (statusRow && options.allowUnfinishedRuns) {
    notices.push(
      `The candidate's ${statusRow.source} has status ${String(statusRow.observed)}, not FINISHED; it is gated anyway because allow-unfinished-runs is true.`
    )
    statusRow = undefined
  }
  const candidate = combineSources(
    observations,
    parsePrefer(
      options.prefer,
      files.map(f => f.file)
    ),
    needed
  )

  const compareText =
    options.compareTo ??
    stage?.champion?.compare_to ??
    (stage?.champion ? `stage:${stage.name}` : undefined)
  let champion: ChampionMetrics | undefined
  let championLabel = 'not compared'
  if (compareText) {
    const where: Subject = options.compareTo
      ? { field: 'compare-to' }
      : {
          text: `Policy file ${options.policy.source ?? ''}: stage '${stage?.name ?? ''}' champion.compare_to`
        }
    if (!model)
      throw problemWith(
        where,
        "needs 'model-name': the champion is a version of the registered model"
      )
    const ref = parseCompareTo(compareText, where)
    const holder = await resolveChampion(client(), model, ref)
    if (!holder) {
      championLabel = `none (${ref.text} is not set)`
      notices.push(
        `No champion: ${ref.text} of '${model}' is held by no version, so this is a first deployment and the champion comparison passes.`
      )
    } else {
      if (holder.version === version)
        notices.push(
          `The candidate, version ${holder.version}, is itself the champion (${ref.text}); it is compared with itself.`
        )
      const read = await readVersionMetrics(client(), model, holder, readOptions)
      champion = {
        version: holder.version,
        metrics: new Map(read.observations.map(o => [o.name, o]))
      }
      championLabel = `version ${holder.version} (${ref.text})`
    }
    if (comparisons.length === 0)
      notices.push(
        `A champion is named (${ref.text}) but no max-regression or min-improvement is set: its values are shown, not checked.`
      )
  }

  const result = evaluateGate({
    rules,
    comparisons,
    candidate,
    missing: options.missing,
    ...(champion ? { champion } : {})
  })
  if (statusRow) {
    result.rows.unshift(statusRow)
    result.failures.unshift(statusRow)
    result.passed = false
  }
  return {
    result,
    subject,
    champion: championLabel,
    ...(champion ? { championVersion: champion.version } : {}),
    notices,
    files
  }
}
