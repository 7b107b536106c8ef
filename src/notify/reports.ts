import {
  LEVEL_WORDS,
  NO_LEVEL_RECORDED,
  readLevel,
  type LineageLevel
} from '../core/lineage-levels.js'
import { capped, type Section } from './message.js'

/**
 * The gate and lineage verdicts as a reviewer reads them in a chat message, from the `report`
 * outputs of validate-metrics (a JSON list of checks) and lineage-check (a JSON object). The
 * reports are data from the validate job: parsed defensively, and a report that is not in the
 * expected shape is said to be unreadable in the message rather than guessed at.
 */

/** How many metric lines a message shows; the rest is counted. */
export const MAX_METRIC_LINES = 8

export type ReportSummary =
  | {
      ok: true
      section: Section
      passed: boolean
      /** lineage-check's level (1 strongest … 4 no link); null when the report has none. */
      level?: LineageLevel | null
      /** The stage's minimum level the check judged it against, when the report names one. */
      minLevel?: LineageLevel | null
    }
  | { ok: false; problem: string }

interface GateRow {
  metric: string
  check: string
  rule: string
  observed: unknown
  champion: unknown
  delta: unknown
  verdict: string
}

function parse(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, problem: `is not JSON (${(error as Error).message})` }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function isGateRow(v: unknown): v is GateRow {
  return (
    isObject(v) &&
    typeof v.metric === 'string' &&
    typeof v.verdict === 'string' &&
    typeof v.rule === 'string'
  )
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '–'
  if (typeof value === 'number') return String(Number(value.toPrecision(12)))
  return typeof value === 'string' ? value : JSON.stringify(value)
}

const MARK: Record<string, string> = { pass: '✅', fail: '❌', skipped: '⚠️' }

/** validate-metrics' `report`: one line per check, failures first. */
export function summarizeGateReport(text: string): ReportSummary {
  const parsed = parse(text)
  if (!parsed.ok) return parsed
  if (!Array.isArray(parsed.value) || !parsed.value.every(isGateRow))
    return {
      ok: false,
      problem: "is not validate-metrics' report (a JSON list of checks with metric, rule, verdict)"
    }
  const rows = parsed.value
  const passed = rows.length > 0 && rows.every(r => r.verdict !== 'fail')
  const ordered = [
    ...rows.filter(r => r.verdict === 'fail'),
    ...rows.filter(r => r.verdict !== 'fail')
  ]
  const lines = ordered.map(r => {
    const champion =
      r.champion === null || r.champion === undefined
        ? ''
        : `, champion ${show(r.champion)}${r.delta === null || r.delta === undefined ? '' : ` (Δ ${show(r.delta)})`}`
    return `${MARK[r.verdict] ?? r.verdict} ${r.metric} = ${show(r.observed)}: ${r.rule}${champion}`
  })
  const failed = rows.filter(r => r.verdict === 'fail').length
  return {
    ok: true,
    passed,
    section: {
      heading: passed
        ? `Metric gate: passed (${rows.length} check${rows.length === 1 ? '' : 's'})`
        : `Metric gate: failed (${failed} of ${rows.length} checks)`,
      lines: capped(lines, MAX_METRIC_LINES)
    }
  }
}

/** lineage-check's `report`: the verdict, the fingerprint, the model link, the first problems. */
export function summarizeLineageReport(text: string): ReportSummary {
  const parsed = parse(text)
  if (!parsed.ok) return parsed
  const report = parsed.value
  if (!isObject(report) || typeof report.verified !== 'boolean')
    return {
      ok: false,
      problem: "is not lineage-check's report (a JSON object with verified, stages, problems)"
    }
  const stages = Array.isArray(report.stages) ? report.stages.length : 0
  // The level is what the reviewers approve on (how closely the version is tied to the
  // pipeline), so it comes first. A report from a lineage-check before levels has none: the
  // message says so rather than guessing one.
  const level = readLevel(report.level)
  const minLevel = readLevel(report.minLevel)
  const lines: string[] = [
    level === null
      ? `Lineage level ${NO_LEVEL_RECORDED}`
      : `Lineage level ${level}: ${LEVEL_WORDS[level]}${minLevel === null ? '' : ` (the stage's minimum is level ${minLevel}: ${level <= minLevel ? 'met' : 'NOT met'})`}`
  ]
  if (typeof report.lockSha256 === 'string' && report.lockSha256)
    lines.push(`dvc.lock sha256 ${report.lockSha256.slice(0, 12)}`)
  lines.push(`${stages} stage${stages === 1 ? '' : 's'} checked`)
  const model = report.model
  if (isObject(model) && typeof model.path === 'string') {
    lines.push(
      `model ${model.path}${typeof model.md5 === 'string' ? ` (md5 ${model.md5.slice(0, 12)})` : ''}`
    )
  }
  const problems = Array.isArray(report.problems)
    ? report.problems.filter((p): p is string => typeof p === 'string')
    : []
  for (const problem of problems) lines.push(`❌ ${problem}`)
  const at = level === null ? '' : `, level ${level}`
  return {
    ok: true,
    passed: report.verified,
    level,
    minLevel,
    section: {
      heading: report.verified
        ? `DVC lineage: verified${at}`
        : `DVC lineage: not verified${at} (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      lines: capped(lines, MAX_METRIC_LINES)
    }
  }
}
