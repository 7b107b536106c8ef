import type { EvidenceTarget } from './evidence.js'
import { neutraliseBidi } from '../core/text-safety.js'

/** Text for HTML and SVG: every character that could start markup is an entity. */
export function escapeHtml(value: string): string {
  return neutraliseBidi(value).replace(
    /[&<>"'`\n\r]/g,
    c =>
      ({
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;',
        '`': '&#96;',
        '\n': '&#10;',
        '\r': '&#13;'
      })[c]!
  )
}

const COLORS = ['#2f6fb0', '#c2572b', '#3a8a4a', '#8a4fa8', '#b08a1e', '#1e8a8a', '#a8325e']

/**
 * One row per stage or alias, a bar per holder span labelled with its version, a date axis, and
 * "now" at the end of the spans that last. Pure SVG, no script, no external reference.
 */
export function timelineSvg(targets: EvidenceTarget[], now: Date, highlight?: string): string {
  const spans = targets.flatMap(t => t.spans)
  const width = 1100
  const left = 170
  const right = 30
  const rowH = 34
  const top = 20
  const height = top + targets.length * rowH + 64
  const times = spans.map(s => Date.parse(s.from)).filter(Number.isFinite)
  const end = now.getTime()
  let start = times.length > 0 ? Math.min(...times) : end - 86_400_000
  if (end - start < 3_600_000) start = end - 3_600_000
  const pad = (end - start) * 0.03
  const t0 = start - pad
  const x = (t: number): number => left + ((t - t0) / (end - t0)) * (width - left - right)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Holders of each stage and alias over time" viewBox="0 0 ${width} ${height}" width="100%" font-family="system-ui, sans-serif" font-size="13">`
  ]
  targets.forEach((t, i) => {
    const y = top + i * rowH
    out.push(
      `<rect x="0" y="${y}" width="${width}" height="${rowH}" fill="${i % 2 ? '#f6f7f9' : '#ffffff'}"/>`,
      `<text x="8" y="${y + 21}" font-weight="600">${escapeHtml(`${t.kind} ${t.name}`)}</text>`
    )
    const versions = [...new Set(t.spans.map(s => s.version ?? ''))]
    t.spans.forEach(s => {
      const x1 = x(Date.parse(s.from))
      const x2 = x(s.until === null ? end : Date.parse(s.until))
      const w = Math.max(2, x2 - x1)
      if (s.version === null) {
        out.push(
          `<rect x="${x1.toFixed(1)}" y="${y + 8}" width="${w.toFixed(1)}" height="${rowH - 16}" fill="none" stroke="#999" stroke-dasharray="4 3"/>`
        )
        return
      }
      const color = COLORS[versions.indexOf(s.version) % COLORS.length]!
      const strong = highlight === undefined || highlight === s.version
      out.push(
        `<rect x="${x1.toFixed(1)}" y="${y + 6}" width="${w.toFixed(1)}" height="${rowH - 12}" rx="4" fill="${color}" fill-opacity="${strong ? 1 : 0.35}"><title>${escapeHtml(`v${s.version}: ${s.from} to ${s.until ?? 'now'} (seq ${s.seq}, ${s.event} by ${s.actor})`)}</title></rect>`
      )
      if (w > 28)
        out.push(
          `<text x="${(x1 + 6).toFixed(1)}" y="${y + 22}" fill="#fff" font-weight="700">${escapeHtml(`v${s.version}`)}${s.until === null && w > 90 ? ' → now' : ''}</text>`
        )
    })
    if (t.spans.length === 0)
      out.push(`<text x="${left + 6}" y="${y + 21}" fill="#777">never moved by the trail</text>`)
  })
  const axisY = top + targets.length * rowH + 6
  out.push(`<line x1="${left}" y1="${axisY}" x2="${width - right}" y2="${axisY}" stroke="#444"/>`)
  const ticks = 4
  for (let k = 0; k <= ticks; k++) {
    const t = t0 + ((end - t0) * k) / ticks
    const tx = x(t)
    const label = new Date(t).toISOString().slice(0, 16).replace('T', ' ')
    out.push(
      `<line x1="${tx.toFixed(1)}" y1="${axisY}" x2="${tx.toFixed(1)}" y2="${axisY + 5}" stroke="#444"/>`,
      `<text x="${tx.toFixed(1)}" y="${axisY + 20}" text-anchor="${k === 0 ? 'start' : k === ticks ? 'end' : 'middle'}" fill="#333">${escapeHtml(label)}</text>`
    )
  }
  out.push(
    `<text x="${width - right}" y="${axisY + 38}" text-anchor="end" font-weight="600" fill="#333">now</text>`,
    '</svg>'
  )
  return out.join('\n')
}
