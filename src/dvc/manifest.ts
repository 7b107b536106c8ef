import { createHash } from 'node:crypto'

/** One line of a `.dir` manifest, as dvc-data writes it. */
export interface ManifestEntry {
  md5: string
  relpath: string
}

/** Code-point order (Python sorts str by code point; JS's default sort uses UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Python's json.dumps string escaping with ensure_ascii=True. */
function pyJsonString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const ch = text[i]!
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    // UTF-16 units are exactly what Python emits for astral characters (surrogate pairs).
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

/** The exact bytes of `json.dumps(sorted_entries, sort_keys=True)`. */
export function manifestBytes(entries: ManifestEntry[]): string {
  // UTF-8 byte order is code-point order; encode each relpath once, not per comparison.
  const sorted = entries
    .map(e => ({ e, key: Buffer.from(e.relpath, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(x => x.e)
  return `[${sorted.map(e => `{"md5": ${pyJsonString(e.md5)}, "relpath": ${pyJsonString(e.relpath)}}`).join(', ')}]`
}

export function manifestHash(entries: ManifestEntry[]): string {
  return `${createHash('md5').update(manifestBytes(entries), 'utf8').digest('hex')}.dir`
}
