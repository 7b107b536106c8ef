import { FieldError } from '../core/errors.js'
import type { Tolerance } from './types.js'

/**
 * Per-metric fields (`max-regression`, `min-improvement`, `greater-is-better`) take one
 * `<metric>: <value>` per line. Metric names may contain ':' themselves, so the value is what
 * follows the last ':'; a name with spaces is quoted.
 */
export function parsePerMetric<T>(
  text: string | undefined,
  field: string,
  parseValue: (raw: string) => T | string
): Map<string, T> {
  const out = new Map<string, T>()
  if (!text) return out
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw).trim()
    if (line === '') return
    const fail = (detail: string): never => {
      throw new FieldError(field, `line ${index + 1}: ${detail}`)
    }
    const colon = line.lastIndexOf(':')
    if (colon <= 0) fail(`'${line}' has no ':'; write '<metric>: <value>', e.g. 'accuracy: 0.01'`)
    let name = line.slice(0, colon).trim()
    if (/^(["']).*\1$/.test(name)) name = name.slice(1, -1)
    if (name === '') fail("the metric name is empty; write '<metric>: <value>'")
    const parsed = parseValue(line.slice(colon + 1).trim())
    if (typeof parsed === 'string') return fail(parsed)
    if (out.has(name)) fail(`metric '${name}' is listed twice; keep one line per metric`)
    out.set(name, parsed)
  })
  return out
}

function stripComment(line: string): string {
  const hash = line.indexOf('#')
  return hash === -1 ? line : line.slice(0, hash)
}

const TOLERANCE = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(%?)$/

/** `0.01` is absolute, `1%` relative; a message (string) when the text is neither. */
export function parseTolerance(raw: string | number): Tolerance | string {
  const text = String(raw).trim()
  const match = TOLERANCE.exec(text)
  if (!match)
    return `'${text}' is not a tolerance; use a non-negative number such as 0.01 or a percentage such as 1%`
  const number = Number(text.replace(/%$/, ''))
  if (!Number.isFinite(number)) return `'${text}' is out of range`
  return match[2] === '%'
    ? { kind: 'relative', amount: number / 100, text }
    : { kind: 'absolute', amount: number, text }
}

export function parseDirection(raw: string): boolean | string {
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  return `'${raw}' is not true or false`
}
