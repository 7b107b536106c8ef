/**
 * Finds the line of a key path (`stages[1].gates`) in block-style YAML text. js-yaml keeps no
 * positions for values, and a best-effort line is far more useful in an error than none.
 * Returns the deepest line found, so a missing leaf still points at its parent.
 */
export function locateKeyPath(text: string, path: (string | number)[]): number | undefined {
  const lines = text.split(/\r?\n/)
  const blank = (i: number): boolean => {
    const t = (lines[i] ?? '').trim()
    return t === '' || t.startsWith('#')
  }
  const indentOf = (i: number): number => {
    const line = lines[i] ?? ''
    return line.length - line.trimStart().length
  }
  /** Column where the line's key text starts, after indentation and list dashes. */
  const keyColumn = (i: number): number => {
    const match = /^(\s*(?:-\s+)*)/.exec(lines[i] ?? '')
    return match?.[1]?.length ?? 0
  }
  /** End (exclusive) of the block that starts at line i and holds lines indented deeper than `col`. */
  const blockEnd = (i: number, col: number, limit: number): number => {
    let j = i + 1
    while (j < limit && (blank(j) || indentOf(j) > col)) j++
    return j
  }

  let start = 0
  let end = lines.length
  let found: number | undefined
  for (const segment of path) {
    let first = start
    while (first < end && blank(first)) first++
    if (first >= end) break
    let hit: number | undefined
    if (typeof segment === 'number') {
      const dashIndent = indentOf(first)
      let count = -1
      for (let i = first; i < end; i++) {
        if (blank(i) || indentOf(i) !== dashIndent || !/^\s*-(\s|$)/.test(lines[i] ?? '')) continue
        if (++count === segment) {
          hit = i
          break
        }
      }
      if (hit === undefined) break
      found = hit
      // The item's keys start on the dash line itself, after "- ".
      start = hit
      end = blockEnd(hit, indentOf(hit), end)
      lines[hit] = (lines[hit] ?? '').replace(/-(\s)/, ' $1')
    } else {
      const col = keyColumn(first)
      const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      const pattern = new RegExp(`^\\s*(?:-\\s+)*(["']?)${escaped}\\1\\s*:(\\s|$)`)
      for (let i = first; i < end; i++) {
        if (!blank(i) && keyColumn(i) === col && pattern.test(lines[i] ?? '')) {
          hit = i
          break
        }
      }
      if (hit === undefined) break
      found = hit
      start = hit + 1
      end = blockEnd(hit, col, end)
    }
  }
  return found === undefined ? undefined : found + 1
}

export function formatKeyPath(path: PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? String(segment) : `.${String(segment)}`
  }
  return out || '(root)'
}
