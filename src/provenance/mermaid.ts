import type { TargetTimeline } from './timeline.js'

/**
 * A label for mermaid: letters, digits and ` ._@+-/` only, at most 40 characters. Everything
 * else (`:`, `#`, `;`, `%`, backticks, quotes, brackets, line breaks) could end a statement, open a
 * directive (`%%{init}%%`), add a `click` link or close the code fence, so it becomes `_`.
 */
export function mermaidLabel(value: string): string {
  return (
    Array.from(value.replace(/[^\p{L}\p{N} ._@+\-/]/gu, '_'))
      .slice(0, 40)
      .join('')
      .trim() || '_'
  )
}

/**
 * The stage and alias holders of one model as a mermaid gantt chart (GitHub renders ```mermaid
 * blocks in job summaries): one section per target, one bar per holder span, open spans until
 * `now`. Times are unix seconds, so no date text from the log reaches the diagram.
 */
export function mermaidTimeline(model: string, timelines: TargetTimeline[], now: Date): string {
  const lines = [
    '```mermaid',
    'gantt',
    `    title Holders of ${mermaidLabel(model)}`,
    '    dateFormat X',
    '    axisFormat %Y-%m-%d'
  ]
  let n = 0
  const end = Math.floor(now.getTime() / 1000)
  for (const { target, spans } of timelines) {
    const held = spans.filter(s => s.version !== null && Number.isFinite(Date.parse(s.from)))
    if (held.length === 0) continue
    lines.push(`    section ${target.kind} ${mermaidLabel(target.name)}`)
    for (const s of held) {
      const from = Math.floor(Date.parse(s.from) / 1000)
      const until = s.until === null ? end : Math.floor(Date.parse(s.until) / 1000)
      lines.push(
        `    v${mermaidLabel(s.version!)}${s.until === null ? ' now' : ''} :s${n++}, ${from}, ${Math.max(until, from + 1)}`
      )
    }
  }
  if (n === 0) return ''
  lines.push('```')
  return lines.join('\n')
}
