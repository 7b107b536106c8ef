import { ConfigurationError } from '../core/errors.js'
import type { StagePolicy } from '../policy/index.js'
import { parseTolerance } from './per-metric.js'
import { impliedDirection } from './rules.js'
import type { ComparisonRule, Rule, Tolerance } from './types.js'

export interface ComparisonInputs {
  maxRegression: Map<string, Tolerance>
  minImprovement: Map<string, Tolerance>
  greaterIsBetter: Map<string, boolean>
}

/**
 * The champion comparison per metric: the policy stage's `champion.metrics` first, then the
 * inputs, which win field by field. Greater-is-better comes from an explicit setting, else from
 * the direction of the metric's threshold rules; a metric with no direction is a configuration
 * error, since a regression cannot be measured without one.
 */
export function buildComparisons(
  stage: StagePolicy | undefined,
  inputs: ComparisonInputs,
  rules: Rule[],
  policyFile?: string
): ComparisonRule[] {
  const where = `Policy file ${policyFile ?? ''}: stages '${stage?.name ?? ''}' champion.metrics`
  const merged = new Map<
    string,
    {
      maxRegression?: Tolerance
      minImprovement?: Tolerance
      greaterIsBetter?: boolean
      from: string
    }
  >()
  for (const [metric, spec] of Object.entries(stage?.champion?.metrics ?? {})) {
    const tolerance = (value: string | number | undefined, key: string): Tolerance | undefined => {
      if (value === undefined) return undefined
      const parsed = parseTolerance(value)
      if (typeof parsed === 'string')
        throw new ConfigurationError(`${where}.${metric}.${key}: ${parsed}`)
      return parsed
    }
    const maxRegression = tolerance(spec.max_regression, 'max_regression')
    const minImprovement = tolerance(spec.min_improvement, 'min_improvement')
    merged.set(metric, {
      ...(maxRegression ? { maxRegression } : {}),
      ...(minImprovement ? { minImprovement } : {}),
      ...(spec.greater_is_better === undefined ? {} : { greaterIsBetter: spec.greater_is_better }),
      from: `${where}.${metric}`
    })
  }
  for (const [metric, t] of inputs.maxRegression)
    merged.set(metric, { ...merged.get(metric), maxRegression: t, from: "'max-regression'" })
  for (const [metric, t] of inputs.minImprovement)
    merged.set(metric, {
      ...merged.get(metric),
      minImprovement: t,
      from: "'min-improvement'"
    })
  for (const [metric, g] of inputs.greaterIsBetter) {
    const existing = merged.get(metric)
    if (existing) existing.greaterIsBetter = g
  }

  const out: ComparisonRule[] = []
  for (const [metric, spec] of merged) {
    if (!spec.maxRegression && !spec.minImprovement) continue
    if (spec.minImprovement && spec.minImprovement.amount <= 0) {
      throw new ConfigurationError(
        `${spec.from}: min-improvement for '${metric}' must be positive, as in MLflow's MetricThreshold; remove it or give it a value above 0`
      )
    }
    if (spec.minImprovement?.kind === 'relative' && spec.minImprovement.amount > 1) {
      throw new ConfigurationError(
        `${spec.from}: a relative min-improvement for '${metric}' must be at most 100%, as in MLflow's MetricThreshold`
      )
    }
    let greaterIsBetter = spec.greaterIsBetter
    const direction = greaterIsBetter === undefined ? 'inferred' : 'explicit'
    if (greaterIsBetter === undefined) {
      const directions = new Set(
        rules
          .filter(r => r.metric === metric)
          .map(r => impliedDirection(r.op))
          .filter(d => d !== undefined)
      )
      if (directions.size !== 1) {
        throw new ConfigurationError(
          `${spec.from}: cannot tell whether greater is better for '${metric}' (${directions.size === 0 ? 'no threshold with >, >=, < or <= names it' : 'its thresholds point both ways'}); set 'greater-is-better' to '${metric}: true' or '${metric}: false'`
        )
      }
      greaterIsBetter = [...directions][0]!
    }
    out.push({
      metric,
      ...(spec.maxRegression ? { maxRegression: spec.maxRegression } : {}),
      ...(spec.minImprovement ? { minImprovement: spec.minImprovement } : {}),
      greaterIsBetter,
      direction
    })
  }
  return out
}
