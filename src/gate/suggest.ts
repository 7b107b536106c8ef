/** Nearest metric names for a "metric not found" message. */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = above
    }
  }
  return prev[b.length]!
}

/**
 * Up to `limit` names close to `wanted`: same name in another case, same last dotted or slashed
 * segment (`accuracy` for `eval.accuracy`), or a small edit distance.
 */
export function nearestNames(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const lower = wanted.toLowerCase()
  const tail = (name: string): string => name.toLowerCase().split(/[./:]/).pop() ?? ''
  const scored: { name: string; score: number }[] = []
  for (const name of new Set(names)) {
    const candidate = name.toLowerCase()
    let score = distance(lower, candidate)
    if (candidate === lower) score = 0
    else if (tail(name) === tail(wanted)) score = Math.min(score, 1)
    const allowed = Math.max(2, Math.floor(wanted.length / 4))
    if (score <= allowed) scored.push({ name, score })
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(s => s.name)
}
