import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { Metric, MlflowClient, ModelVersion } from '../mlflow/index.js'
import type { MetricObservation } from './types.js'

/** The MLflow operations the gate's sources use; a fake satisfies it in unit tests. */
export type MetricsClient = Pick<
  MlflowClient,
  | 'getModelVersion'
  | 'getRun'
  | 'getMetricHistory'
  | 'getLoggedModel'
  | 'getLatestVersions'
  | 'getVersionByAlias'
>

import type { Aggregate } from './aggregates.js'

export { AGGREGATES, type Aggregate } from './aggregates.js'

export interface ReadOptions {
  aggregate: Aggregate
  /** Only these metrics are aggregated (each needs its own history request). */
  needed: Set<string>
  logger: Logger
}

const LOGGED_MODEL_SOURCE = /^models:\/(m-[0-9a-f]+)\/?$/

/**
 * The value one metric's points reduce to. `latest` is what runs/get reports: the latest
 * timestamp, ties to the larger value. `last` is the highest step (ties: latest timestamp).
 */
export function aggregatePoints(points: Metric[], aggregate: Aggregate): number {
  if (points.length === 0) return Number.NaN
  const values = points.map(p => p.value)
  // Any NaN in the history makes min and max NaN, so a NaN step can never slip through.
  if (aggregate === 'min') return values.some(Number.isNaN) ? Number.NaN : Math.min(...values)
  if (aggregate === 'max') return values.some(Number.isNaN) ? Number.NaN : Math.max(...values)
  const pick = (a: Metric, b: Metric): Metric => {
    const [primary, secondary] =
      aggregate === 'last'
        ? [a.step - b.step, (a.timestamp ?? 0) - (b.timestamp ?? 0)]
        : [(a.timestamp ?? 0) - (b.timestamp ?? 0), a.value - b.value]
    if (primary !== 0) return primary > 0 ? a : b
    // on a full tie the later point wins, as it would in the server's own ordering
    return secondary > 0 ? a : b
  }
  return points.reduce(pick).value
}

async function inBatches<T, R>(
  items: T[],
  size: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(work))))
  return out
}

/** A run's metrics: latest values from runs/get, or aggregated from metrics/get-history. */
export async function readRunMetrics(
  client: MetricsClient,
  runId: string,
  options: ReadOptions
): Promise<MetricObservation[]> {
  return (await readRun(client, runId, options)).observations
}

/** The same, with the run's status (FINISHED, RUNNING, FAILED, ...), which the gate checks. */
export async function readRun(
  client: MetricsClient,
  runId: string,
  options: ReadOptions
): Promise<{ observations: MetricObservation[]; status?: string }> {
  const run = await client.getRun(runId)
  const source = { kind: 'run' as const, label: `run ${runId}` }
  const observations: MetricObservation[] = run.data.metrics.map(m => ({
    name: m.key,
    value: m.value,
    source
  }))
  const status = run.info.status ? { status: run.info.status } : {}
  if (options.aggregate === 'latest') return { observations, ...status }
  const targets = observations.filter(o => options.needed.has(o.name))
  // Two at a time: the server (and this 2-core runner) gains nothing from more.
  await inBatches(targets, 2, async observation => {
    const history = await client.getMetricHistory(runId, observation.name)
    observation.value = aggregatePoints(history, options.aggregate)
    observation.note = `${options.aggregate} of ${history.length} logged value${history.length === 1 ? '' : 's'}`
  })
  return { observations, ...status }
}

/**
 * A model version's metrics. When the version's source is an MLflow 3 logged model
 * (`models:/m-…`), its model metrics take precedence over the run's for the same key: they were
 * logged for this model, while a run can hold several models' metrics. Each observation says
 * which source it came from and whether a run value was set aside.
 */
export async function readVersionMetrics(
  client: MetricsClient,
  name: string,
  version: ModelVersion,
  options: ReadOptions
): Promise<{
  observations: MetricObservation[]
  runId?: string
  modelId?: string
  runStatus?: string
}> {
  const modelId = LOGGED_MODEL_SOURCE.exec(version.source ?? '')?.[1]
  const modelMetrics = new Map<string, Metric[]>()
  let runId = version.run_id || undefined
  if (modelId) {
    const model = await client.getLoggedModel(modelId)
    runId ??= model.info.source_run_id || undefined
    for (const m of model.data.metrics)
      modelMetrics.set(m.key, [...(modelMetrics.get(m.key) ?? []), m])
  }
  if (!runId && !modelId) {
    throw new ConfigurationError(
      `Registered model '${name}' version ${version.version} has neither a run nor a logged model, so it has no metrics; pass run-id or metrics-files`
    )
  }
  const run = runId
    ? await readRun(client, runId, {
        ...options,
        needed: withoutKeys(options.needed, modelMetrics)
      })
    : undefined
  const runObservations = run?.observations ?? []
  const byName = new Map(runObservations.map(o => [o.name, o]))
  for (const [key, points] of modelMetrics) {
    const aggregate =
      options.aggregate === 'latest' || !options.needed.has(key) ? 'latest' : options.aggregate
    const value = aggregatePoints(points, aggregate)
    const shadowed = byName.get(key)
    const notes = [
      aggregate === 'latest'
        ? undefined
        : `${aggregate} of ${points.length} logged value${points.length === 1 ? '' : 's'}`,
      shadowed && !Object.is(shadowed.value, value)
        ? `run value ${String(shadowed.value)} not used: the logged model's value takes precedence`
        : undefined
    ].filter(Boolean)
    byName.set(key, {
      name: key,
      value,
      source: { kind: 'logged-model', label: `logged model ${modelId}` },
      ...(notes.length > 0 ? { note: notes.join('; ') } : {})
    })
  }
  return {
    observations: [...byName.values()],
    ...(runId ? { runId } : {}),
    ...(modelId ? { modelId } : {}),
    ...(run?.status ? { runStatus: run.status } : {})
  }
}

function withoutKeys(set: Set<string>, drop: Map<string, unknown>): Set<string> {
  return new Set([...set].filter(k => !drop.has(k)))
}
