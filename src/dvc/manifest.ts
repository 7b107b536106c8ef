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

/** Printable ASCII without `"` or `\`: json.dumps leaves it as is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** Python's json.dumps string escaping with ensure_ascii=True. */
export function pyJsonString(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`
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

const SURROGATE = /[\uD800-\uDFFF]/

/** The exact bytes of `json.dumps(sorted_entries, sort_keys=True)`. */
export function manifestBytes(entries: ManifestEntry[]): string {
  // Without surrogates, UTF-16 order is code-point order and plain string comparison is
  // exact; otherwise compare UTF-8 bytes (code-point order), each relpath encoded once.
  const sorted = entries.some(e => SURROGATE.test(e.relpath))
    ? entries
        .map(e => ({ e, key: Buffer.from(e.relpath, 'utf8') }))
        .sort((a, b) => Buffer.compare(a.key, b.key))
        .map(x => x.e)
    : [...entries].sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0))
  // One regex pass over every value at once: when all are plain (the usual case), no value
  // needs escaping and 20,000 entries cost 20,000 template strings, not 40,000 regex tests.
  if (PLAIN.test(sorted.map(e => e.md5 + e.relpath).join('')))
    return `[${sorted.map(e => `{"md5": "${e.md5}", "relpath": "${e.relpath}"}`).join(', ')}]`
  return `[${sorted.map(e => `{"md5": ${pyJsonString(e.md5)}, "relpath": ${pyJsonString(e.relpath)}}`).join(', ')}]`
}

export function manifestHash(entries: ManifestEntry[]): string {
  return `${createHash('md5').update(manifestBytes(entries), 'utf8').digest('hex')}.dir`
}
