/** Hostile documents shared by the unit, integration and dist tests. */

/** The classic "billion laughs": 9 levels of 9 aliases, 9^9 nodes expanded, 342 bytes. */
export function billionLaughs(levels = 9, key = 'a'): string {
  const names = Array.from({ length: levels }, (_, i) => `${key}${i}`)
  const lines = [
    `${names[0]}: &${names[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`
  ]
  for (let i = 1; i < levels; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]`
    )
  return `${lines.join('\n')}\n`
}
