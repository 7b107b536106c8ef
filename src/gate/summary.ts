import { escapeCell, heading, markdownTable } from '../core/summary.js'
import type { GateResult, ReportRow } from './evaluate.js'

/** Numbers as their shortest exact form, except deltas, which float subtraction makes noisy. */
function show(value: number | string | boolean | null, round = false): string {
  if (value === null) return '–'
  if (typeof value !== 'number') return String(value)
  return round ? String(Number(value.toPrecision(12))) : String(value)
}

const RESULT: Record<ReportRow['verdict'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  skipped: '⚠️ skipped'
}

/** The job summary: metric | observed | rule | champion | delta | result, then the reasons. */
export function gateSummary(
  result: GateResult,
  context: { subject: string; champion: string; notices: string[] }
): string {
  const table = markdownTable(
    ['metric', 'observed', 'rule', 'champion', 'delta', 'result'],
    result.rows.map(r => [
      r.metric,
      show(r.observed),
      r.rule,
      show(r.champion),
      show(r.delta, true),
      RESULT[r.verdict]
    ])
  )
  const parts = [
    heading(`validate-metrics: ${result.passed ? 'passed' : 'failed'}`),
    `${escapeCell(context.subject)}; champion: ${escapeCell(context.champion)}`,
    table
  ]
  const reasons = result.rows
    .filter(r => r.reason)
    .map(r => `- **${escapeCell(r.metric)}** (${r.check}): ${escapeCell(r.reason)}`)
  const sources = result.rows
    .filter(r => r.source)
    .map(
      r =>
        `- ${escapeCell(r.metric)}: ${escapeCell(r.source)}${r.note ? ` (${escapeCell(r.note)})` : ''}`
    )
  if (reasons.length > 0) parts.push(['**Details**', ...reasons].join('\n'))
  if (sources.length > 0) parts.push(['**Sources**', ...[...new Set(sources)]].join('\n'))
  if (context.notices.length > 0)
    parts.push(context.notices.map(n => `> ${escapeCell(n)}`).join('\n>\n'))
  return parts.join('\n\n')
}

/** JSON-safe row: non-finite numbers become strings, since JSON has no NaN. */
function jsonValue(value: number | string | boolean | null): number | string | boolean | null {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value
}

export function reportJson(result: GateResult): string {
  return JSON.stringify(
    result.rows.map(r => ({
      metric: r.metric,
      check: r.check,
      rule: r.rule,
      observed: jsonValue(r.observed),
      champion: jsonValue(r.champion),
      delta: jsonValue(r.delta),
      verdict: r.verdict,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.source ? { source: r.source } : {}),
      ...(r.note ? { note: r.note } : {}),
      origin: r.origin
    }))
  )
}

export function failuresJson(result: GateResult): string {
  return JSON.stringify(
    result.failures.map(r => ({
      metric: r.metric,
      check: r.check,
      rule: r.rule,
      observed: jsonValue(r.observed),
      reason: r.reason ?? ''
    }))
  )
}
