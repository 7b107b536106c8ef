import type { AuditEntry } from '../audit/entry.js'
import { entriesSummary } from '../audit/summary.js'
import { readTrail, type Trail, type TrailOptions } from '../audit/trail.js'
import { errorMessage } from '../core/errors.js'
import { escapeText, heading } from '../core/summary.js'
import type { Policy } from '../policy/index.js'
import { mermaidTimeline } from './mermaid.js'
import { holderTimeline } from './timeline.js'

export interface RenderOptions {
  /** How many of the newest counted entries the table shows. */
  keep: number
  /** Only this model's timeline; else the models of the entries shown, at most 5. */
  model?: string
  /** The effective policy of a model; may throw (no policy file), and then there is no timeline. */
  policyFor: (model: string) => Policy
  now: Date
  trail: TrailOptions
}

export interface Rendered {
  trail: Trail
  /** The job summary: the trust statement, the newest counted entries, each model's holder chart. */
  markdown: string
  /** Said as warnings: the chain's break, a timeline that could not be drawn. */
  warnings: string[]
}

/**
 * audit-log's render mode: the newest entries and a mermaid chart of each model's holders,
 * replayed from the counted entries only, so a line the history or GitHub check refuses is
 * never shown as an ordinary event, nor charted as a holder (status ignores it the same way).
 */
export async function renderTrail(
  full: string,
  display: string,
  options: RenderOptions
): Promise<Rendered> {
  const trail = await readTrail(full, options.trail)
  const counted = trail.entries.filter(e => e.counted).map(e => e.entry)
  const refused = trail.entries.filter(e => !e.counted)
  const newest = counted.slice(-options.keep)
  const warnings: string[] = []
  const parts = [
    entriesSummary(display, newest, trail.report.chain),
    escapeText(trail.verdict.statement)
  ]
  if (refused.length > 0)
    parts.push(
      `**${refused.length} entr${refused.length === 1 ? 'y is' : 'ies are'} not counted** and not shown: ` +
        refused
          .slice(0, 20)
          .map(e => `line ${e.line} ${escapeText(e.why ?? '')}`)
          .join('; ')
    )
  const models = options.model
    ? [options.model]
    : [...new Set(newest.map(e => String(e.model ?? '')))].filter(Boolean).slice(0, 5)
  for (const model of models) {
    const diagram = timeline(counted, model, options, warnings)
    if (diagram) parts.push(`${heading(`Stage history: ${escapeText(model)}`)}\n\n${diagram}`)
  }
  const bad = trail.report.chain.firstBad
  if (bad)
    warnings.unshift(
      `${display} line ${bad.line} ${bad.reason}; the chain is broken there (${trail.report.chain.entries} line(s) before it verified)`
    )
  return { trail, markdown: parts.join('\n\n'), warnings }
}

function timeline(
  entries: AuditEntry[],
  model: string,
  options: RenderOptions,
  warnings: string[]
): string | undefined {
  let policy: Policy
  try {
    policy = options.policyFor(model)
  } catch (error) {
    warnings.push(`No timeline in the summary: ${errorMessage(error)}`)
    return undefined
  }
  return mermaidTimeline(model, holderTimeline(entries, model, policy), options.now) || undefined
}
