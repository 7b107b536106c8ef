/**
 * Finds the line of a key path (`stages[1].gates`) in block-style YAML text. js-yaml does not keep
 * positions for values, and a best-effort line is far more useful in an error than none.
 */
export function locateKeyPath(text: string, path: (string | number)[]): number | undefined {
  const lines = text.split(/\r?\n/)
  let from = 0
  let parentIndent = -1
  let found: number | undefined
  for (const segment of path) {
    let hit: { line: number; indent: number } | undefined
    if (typeof segment === 'number') {
      let count = -1
      let itemIndent: number | undefined
      for (let i = from; i < lines.length; i++) {
        const line = lines[i] ?? ''
        if (line.trim() === '' || line.trim().startsWith('#')) continue
        const indent = line.length - line.trimStart().length
        if (indent <= parentIndent && !line.trimStart().startsWith('-')) break
        if (/^\s*-(\s|$)/.test(line) && (itemIndent === undefined || indent === itemIndent)) {
          itemIndent = indent
          count++
          if (count === segment) {
            // the item's own keys sit after "- ", two columns deeper
            hit = { line: i, indent: indent + 1 }
            break
          }
        }
      }
    } else {
      const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      const keyPattern = new RegExp(`^(\\s*)(?:-\\s+)?["']?${escaped}["']?\\s*:`)
      for (let i = from; i < lines.length; i++) {
        const line = lines[i] ?? ''
        if (line.trim() === '' || line.trim().startsWith('#')) continue
        const indent = line.length - line.trimStart().length
        if (i > from && indent <= parentIndent && found !== undefined) break
        const match = keyPattern.exec(line)
        if (match) {
          const keyIndent = line.indexOf(segment.charAt(0), indent)
          hit = { line: i, indent: keyIndent }
          break
        }
      }
    }
    if (!hit) return found === undefined ? undefined : found + 1
    found = hit.line
    from = hit.line
    parentIndent = hit.indent
    // a list item's first key is on the same line as its dash
    if (typeof segment === 'number') from = hit.line
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
