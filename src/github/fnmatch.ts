/**
 * GitHub matches an environment's "Deployment branches and tags" name patterns with Ruby's
 * File.fnmatch and the FNM_PATHNAME flag (its REST description: "Wildcard characters will not
 * match `/`. … to match branches that begin with `release/` and contain an additional single
 * slash, use `release/*\/*`"). So: `*` is any run of characters but `/`, `?` one character but
 * `/`, `[...]` a class (`[!...]` or `[^...]` negated, never `/`), `**\/` zero or more whole
 * directories, and `\` escapes the next character. Braces are literal (no FNM_EXTGLOB).
 */
export function fnmatch(pattern: string, name: string): boolean {
  return compile(pattern).test(name)
}

/** True when the pattern holds no wildcard, so it matches exactly one name: its unescaped self. */
export function literalPattern(pattern: string): string | undefined {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i]
    else if (c === '*' || c === '?' || c === '[') return undefined
    else out += c
  }
  return out
}

const cache = new Map<string, RegExp>()

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

function compile(pattern: string): RegExp {
  const known = cache.get(pattern)
  if (known) return known
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegex(pattern[++i]!)
    } else if (c === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/'
      if (pattern[i + 1] === '*' && pattern[i + 2] === '/' && atSegmentStart) {
        source += '(?:[^/]*/)*'
        i += 2
      } else {
        while (pattern[i + 1] === '*') i++
        source += '[^/]*'
      }
    } else if (c === '?') {
      source += '[^/]'
    } else if (c === '[') {
      const end = classEnd(pattern, i)
      if (end < 0) {
        source += '\\['
        continue
      }
      let body = pattern.slice(i + 1, end)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      const inner = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&')
      source += negated ? `(?!/)[^${inner}]` : `(?!/)[${inner}]`
      i = end
    } else {
      source += escapeRegex(c)
    }
  }
  const compiled = new RegExp(`^${source}$`, 'u')
  cache.set(pattern, compiled)
  return compiled
}

/** The index of the `]` closing the class opened at `start`, or -1 when it is not closed. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1
  if (pattern[i] === '!' || pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++
    else if (pattern[i] === ']') return i
  }
  return -1
}
