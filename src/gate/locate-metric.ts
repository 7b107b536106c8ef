import { locateKeyPath } from '../policy/locate.js'
import { formatOf } from './metrics-file.js'

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Best-effort line of a metric's key path in its file, for an annotation. Parsers do not keep
 * positions, and an annotation on the right line beats one on line 1.
 */
export function locateMetricLine(
  text: string,
  file: string,
  keyPath: string[]
): number | undefined {
  const format = formatOf(file)
  if (format === 'yaml') return locateKeyPath(text, keyPath)
  if (format === 'json') return locateJson(text, keyPath)
  return locateToml(text, keyPath)
}

/** Finds each quoted key after the previous one: right for the usual one-key-per-line layout. */
function locateJson(text: string, keyPath: string[]): number | undefined {
  let from = 0
  for (const key of keyPath) {
    const pattern = new RegExp(`${escape(JSON.stringify(key))}\\s*:`, 'g')
    pattern.lastIndex = from
    const match = pattern.exec(text)
    if (!match) return undefined
    from = match.index + match[0].length
  }
  return text.slice(0, from).split('\n').length
}

/** Looks for `[a.b]` then `c =`, falling back to a dotted `b.c =` or `a.b.c =` key. */
function locateToml(text: string, keyPath: string[]): number | undefined {
  const lines = text.split(/\r?\n/)
  const keyPart = (k: string): string => `(?:${escape(k)}|"${escape(k)}"|'${escape(k)}')`
  for (let split = keyPath.length - 1; split >= 0; split--) {
    const table = keyPath.slice(0, split)
    const rest = keyPath.slice(split)
    const keyLine = new RegExp(`^\\s*${rest.map(keyPart).join('\\s*\\.\\s*')}\\s*=`)
    let start = 0
    if (table.length > 0) {
      const header = new RegExp(`^\\s*\\[\\s*${table.map(keyPart).join('\\s*\\.\\s*')}\\s*\\]`)
      const at = lines.findIndex(l => header.test(l))
      if (at === -1) continue
      start = at + 1
    }
    for (let i = start; i < lines.length; i++) {
      if (i > start && table.length > 0 && /^\s*\[/.test(lines[i]!)) break
      if (table.length === 0 && /^\s*\[/.test(lines[i]!)) break
      if (keyLine.test(lines[i]!)) return i + 1
    }
  }
  return undefined
}
