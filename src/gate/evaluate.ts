import { checkMaxRegression, checkMinImprovement, satisfies } from './champion-checks.js'
import { nearestNames } from './suggest.js'
import type { ComparisonRule, MetricObservation, MetricTable, Rule, Tolerance } from './types.js'

export type Verdict = 'pass' | 'fail' | 'skipped'

/** One line of the report: a rule, what was observed, the champion's value and the verdict. */
export interface ReportRow {
  metric: string
  check: 'threshold' | 'max-regression' | 'min-improvement' | 'run-status'
  rule: string
  observed: number | string | boolean | null
  champion: number | null
  delta: number | null
  verdict: Verdict
  /** Why it failed or was skipped, or how a pass was reached without a champion. */
  reason?: string
  source?: string
  note?: string
  origin: string
  /** For metrics read from a file: where to annotate. */
  file?: string
  keyPath?: string[]
}

export interface ChampionMetrics {
  version: string
  metrics: MetricTable
}

export interface GateInput {
  rules: Rule[]
  comparisons: ComparisonRule[]
  candidate: MetricTable
  /** Undefined when no comparison was asked for, or when nothing holds the champion's place yet. */
  champion?: ChampionMetrics
  missing: 'fail' | 'warn'
}

export interface GateResult {
  passed: boolean
  rows: ReportRow[]
  failures: ReportRow[]
  /** The values the rules were evaluated on, by metric. */
  evaluated: Record<string, number | string | boolean>
}

type Checked =
  | { ok: true; value: number }
  | { ok: false; reason: string; value: number | string | boolean | null }

/** Where a value came from, in the words an error message needs: file and key, or run and metric. */
function describe(o: MetricObservation): string {
  return o.source.kind === 'file'
    ? `${o.source.file} key '${o.keyPath?.join('.') ?? o.name}'`
    : `${o.source.label} metric '${o.name}'`
}

function numeric(o: MetricObservation, whose: string): Checked {
  if (typeof o.value === 'number' && Number.isFinite(o.value)) return { ok: true, value: o.value }
  const shown = typeof o.value === 'string' ? `the string '${o.value}'` : String(o.value)
  const fix = typeof o.value === 'number' ? 'a gate cannot compare it' : 'write a plain number'
  return {
    ok: false,
    reason: `${whose}${describe(o)} is ${shown}, not a finite number; ${fix}`,
    value: typeof o.value === 'number' ? String(o.value) : o.value
  }
}

function missingReason(metric: string, table: MetricTable, whose: string): string {
  const names = [...table.keys()].sort()
  const near = nearestNames(metric, names)
  const sources = [...new Set([...table.values()].map(o => o.source.label))]
  const listed =
    names.length === 0
      ? 'none'
      : names.length > 20
        ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)`
        : names.join(', ')
  return (
    `${whose}metric '${metric}' not found${sources.length ? ` in ${sources.join(', ')}` : ''}` +
    (near.length > 0 ? `; did you mean ${near.map(n => `'${n}'`).join(' or ')}?` : '') +
    ` Metrics that exist: ${listed}`
  )
}

const toleranceText = (kind: string, t: Tolerance, greater: boolean): string =>
  `${kind} ${t.text} (${greater ? 'greater' : 'lower'} is better)`

/**
 * The verdict. It receives metrics and never fetches them. Every rule yields a row; a missing or
 * non-numeric value fails its row (or, with missing: warn, skips it), and a gate whose rows were
 * all skipped fails, so an empty or broken gate can never pass.
 */
export function evaluateGate(input: GateInput): GateResult {
  const rows: ReportRow[] = []
  const evaluated: Record<string, number | string | boolean> = {}

  const candidateValue = (
    metric: string,
    row: Omit<ReportRow, 'observed' | 'verdict'>
  ): Checked | undefined => {
    const o = input.candidate.get(metric)
    if (!o) {
      rows.push({
        ...row,
        observed: null,
        verdict: input.missing === 'fail' ? 'fail' : 'skipped',
        reason: missingReason(metric, input.candidate, '')
      })
      return undefined
    }
    Object.assign(row, {
      source: o.source.label,
      ...(o.note ? { note: o.note } : {}),
      ...(o.source.file ? { file: o.source.file } : {}),
      ...(o.keyPath ? { keyPath: o.keyPath } : {})
    })
    const checked = numeric(o, '')
    evaluated[metric] = checked.ok
      ? checked.value
      : typeof o.value === 'number'
        ? String(o.value)
        : o.value
    if (!checked.ok)
      rows.push({ ...row, observed: checked.value, verdict: 'fail', reason: checked.reason })
    return checked.ok ? checked : undefined
  }
  const championValue = (metric: string): Checked | undefined => {
    const o = input.champion?.metrics.get(metric)
    return o ? numeric(o, `champion version ${input.champion!.version}: `) : undefined
  }

  for (const rule of input.rules) {
    const base = {
      metric: rule.metric,
      check: 'threshold' as const,
      rule: rule.text,
      champion: null,
      delta: null,
      origin: rule.origin
    }
    const observed = candidateValue(rule.metric, base)
    if (!observed?.ok) continue
    const champion = championValue(rule.metric)
    const withChampion = champion?.ok
      ? { champion: champion.value, delta: observed.value - champion.value }
      : {}
    const passed = satisfies(observed.value, rule.op, rule.value)
    rows.push({
      ...base,
      ...withChampion,
      observed: observed.value,
      verdict: passed ? 'pass' : 'fail',
      ...(passed
        ? {}
        : { reason: `${rule.metric} = ${observed.value} does not satisfy ${rule.text}` })
    })
  }

  for (const comparison of input.comparisons) {
    const checks = [
      ['max-regression', comparison.maxRegression, checkMaxRegression] as const,
      ['min-improvement', comparison.minImprovement, checkMinImprovement] as const
    ]
    for (const [check, tolerance, fn] of checks) {
      if (!tolerance) continue
      const base = {
        metric: comparison.metric,
        check,
        rule: toleranceText(check, tolerance, comparison.greaterIsBetter),
        champion: null,
        delta: null,
        origin: 'champion comparison'
      }
      const observed = candidateValue(comparison.metric, base)
      if (!observed?.ok) continue
      if (!input.champion) {
        rows.push({
          ...base,
          observed: observed.value,
          verdict: 'pass',
          reason: 'no champion yet (first deployment): nothing to compare with'
        })
        continue
      }
      const champion = championValue(comparison.metric)
      if (!champion) {
        const reason = missingReason(
          comparison.metric,
          input.champion.metrics,
          `champion version ${input.champion.version}: `
        )
        rows.push({
          ...base,
          observed: observed.value,
          verdict: input.missing === 'fail' ? 'fail' : 'skipped',
          reason
        })
        continue
      }
      if (!champion.ok) {
        rows.push({ ...base, observed: observed.value, verdict: 'fail', reason: champion.reason })
        continue
      }
      const result = fn(observed.value, champion.value, tolerance, comparison.greaterIsBetter)
      const delta = observed.value - champion.value
      const limit =
        result.bound !== undefined
          ? `the bound ${result.bound}`
          : `a relative change of ${check === 'max-regression' ? '-' : ''}${tolerance.text}`
      rows.push({
        ...base,
        observed: observed.value,
        champion: champion.value,
        delta,
        verdict: result.passed ? 'pass' : 'fail',
        ...(result.passed
          ? {}
          : {
              reason: `${comparison.metric} = ${observed.value} against champion ${champion.value} misses ${limit} (${check} ${tolerance.text})`
            })
      })
    }
  }

  const failures = rows.filter(r => r.verdict === 'fail')
  const allSkipped = rows.length > 0 && rows.every(r => r.verdict === 'skipped')
  if (allSkipped) {
    const row: ReportRow = {
      metric: '(gate)',
      check: 'threshold',
      rule: 'at least one rule evaluated',
      observed: null,
      champion: null,
      delta: null,
      verdict: 'fail',
      reason: 'every rule was skipped for missing metrics, so the gate checked nothing',
      origin: 'gate'
    }
    rows.push(row)
    failures.push(row)
  }
  return { passed: failures.length === 0, rows, failures, evaluated }
}
