import { oneLine } from '../core/text-safety.js'

/** Aligned plain-text tables and ANSI colour, only when the output is a terminal. */

export type Tone = 'red' | 'green' | 'yellow' | 'dim' | 'bold'

const CODES: Record<Tone, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
  bold: [1, 22]
}

export interface Styler {
  enabled: boolean
  paint(text: string, tone: Tone | undefined): string
}

export function styler(enabled: boolean): Styler {
  return {
    enabled,
    paint: (text, tone) =>
      enabled && tone && text !== ''
        ? `\u001b[${CODES[tone][0]}m${text}\u001b[${CODES[tone][1]}m`
        : text
  }
}

/**
 * Colour follows the usual conventions: --color / --no-color win; otherwise only on a TTY, and
 * never when NO_COLOR is set to anything (https://no-color.org) or TERM is dumb.
 */
export function colorWanted(
  flag: boolean | undefined,
  isTty: boolean,
  env: NodeJS.ProcessEnv
): boolean {
  if (flag !== undefined) return flag
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return isTty
}

/** A cell: its text and an optional tone; widths are measured on the text, never on escape codes. */
export type Cell = string | { text: string; tone?: Tone | undefined }

const textOf = (cell: Cell): string => (typeof cell === 'string' ? cell : cell.text)
const toneOf = (cell: Cell): Tone | undefined => (typeof cell === 'string' ? undefined : cell.tone)
/** Code points, so an accented name does not shift its column. */
const width = (text: string): number => Array.from(text).length

/** Control characters in data (a reason with a newline) would break a row; they print as spaces. */
export { oneLine }

export function shorten(text: string, limit: number): string {
  const points = Array.from(text)
  return points.length <= limit ? text : `${points.slice(0, limit - 1).join('')}…`
}

export function renderTable(headers: string[], rows: Cell[][], style: Styler): string {
  const clean = rows.map(row =>
    row.map(cell => ({ text: oneLine(textOf(cell)), tone: toneOf(cell) }))
  )
  const widths = headers.map((h, i) =>
    Math.max(width(h), ...clean.map(r => width(r[i]?.text ?? '')))
  )
  const line = (cells: { text: string; tone: Tone | undefined }[]): string =>
    cells
      .map((c, i) => {
        const padded =
          i === cells.length - 1 ? c.text : c.text + ' '.repeat(widths[i]! - width(c.text))
        return style.paint(padded, c.tone)
      })
      .join('  ')
      .trimEnd()
  const head = line(headers.map(h => ({ text: h, tone: 'bold' })))
  return [head, ...clean.map(line)].join('\n')
}
