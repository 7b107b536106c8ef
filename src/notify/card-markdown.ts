import { neutraliseBidi } from '../core/text-safety.js'

/**
 * Data in a Teams Adaptive Card, neutralised only where markdown would act on it.
 *
 * TextBlock and FactSet text is markdown in Teams: bold, italic, bulleted and numbered lists and
 * links (Adaptive Cards "Text features"); the `adaptivecards` renderer hands it to the host's
 * processor (markdown-it in Microsoft's own designer and README), which is CommonMark. Teams'
 * mobile clients show backslash escapes as typed (microsoft/AdaptiveCards#5590, #7474), so a
 * backslash before every punctuation mark turned `churn-classifier` into `churn\-classifier`.
 *
 * So each construct is broken where it would form, and only there, preferring an invisible
 * U+200B ZERO WIDTH SPACE (no width, not whitespace to CommonMark, so it splits a token without
 * changing what a person reads):
 *   - a link or image `[x](url)`: U+200B between `]` and `(`;
 *   - an HTML tag, an autolink `<https://…>`, a Teams `<at>` mention: U+200B after each `<`;
 *   - an entity `&amp;`, `&#42;`: U+200B after `&`, so it shows as typed instead of as `&`;
 *   - a backslash that would escape the next mark (`\*`): U+200B after it, so it shows;
 *   - `{{DATE(…)}}` and `{{TIME(…)}}`, which the renderer expands: U+200B between the braces;
 *   - a block at the start of the text (a list `- x`, `1. x`, a heading `# x`, a quote `> x`,
 *     a rule `***`, a fence, an indented code block, a reference definition `[x]: url`):
 *     U+200B first, so the text is a paragraph;
 *   - emphasis (`*`, `_`) and strikethrough (`~~`) runs that could open or close, when the text
 *     holds two of the same mark (one alone pairs with nothing), and backtick runs when two of
 *     the same length could form a code span: a backslash before each mark, the one form
 *     CommonMark gives (no invisible character stops a delimiter run). Hyphens, dots, `+`,
 *     `#` and underscores inside words never act, and are left as written.
 * Newlines become spaces: each text is one paragraph.
 */
export function escapeCardMarkdown(text: string): string {
  // The data's own backslashes first, so that the ones added below are the only escapes.
  const own = neutraliseBidi(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\u200b')
  const out = escapeDelimiterRuns(own)
    .replace(/\]\(/g, ']\u200b(')
    .replace(/</g, '<\u200b')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&\u200b')
    // Adaptive Cards' own DATE()/TIME() functions, which the renderer expands before markdown.
    .replace(/\{\{/g, '{\u200b{')
  return BLOCK_START.test(out) ? `\u200b${out}` : out
}

export const ZERO_WIDTH_SPACE = '\u200b'

/**
 * What begins a block in CommonMark at the start of a line: leading whitespace (four spaces make
 * code), a quote `>`, a list marker (`-`, `+`, `*`, `1.`, `1)`) or heading (`#`…`######`)
 * followed by a space or the end, a thematic break (`***`, `- - -`), a fence, or `[` of a
 * reference definition (`[x]: url` would vanish from the text).
 */
const BLOCK_START =
  /^(?:\s|>|[-+*](?:\s|$)|#{1,6}(?:\s|$)|\d{1,9}[.)](?:\s|$)|(?:[-*_]\s*){3,}$|```|~~~|\[)/

const PUNCT = /[\p{P}\p{S}]/u
const SPACE = /\s/u

/**
 * CommonMark's flanking rules for a delimiter run (spec 6.2), with the text's edges as spaces:
 * whether the run could open or close emphasis. `_` inside a word can do neither.
 */
function runActs(mark: string, before: string, after: string): boolean {
  const spaceBefore = before === '' || SPACE.test(before)
  const spaceAfter = after === '' || SPACE.test(after)
  const punctBefore = !spaceBefore && PUNCT.test(before)
  const punctAfter = !spaceAfter && PUNCT.test(after)
  const left = !spaceAfter && (!punctAfter || spaceBefore || punctBefore)
  const right = !spaceBefore && (!punctBefore || spaceAfter || punctAfter)
  if (mark === '_') return (left && (!right || punctBefore)) || (right && (!left || punctAfter))
  return left || right
}

interface Run {
  start: number
  end: number
  mark: string
}

function escapeDelimiterRuns(text: string): string {
  const chars = Array.from(text)
  const runs: Run[] = []
  for (let i = 0; i < chars.length;) {
    const mark = chars[i]!
    if (mark !== '*' && mark !== '_' && mark !== '~' && mark !== '`') {
      i++
      continue
    }
    let end = i
    while (chars[end] === mark) end++
    runs.push({ start: i, end, mark })
    i = end
  }
  const acting = new Set<Run>()
  for (const mark of ['*', '_', '~']) {
    const could = runs.filter(
      r =>
        r.mark === mark &&
        // markdown-it's strikethrough takes `~~` only; a single `~` is text.
        (mark !== '~' || r.end - r.start >= 2) &&
        runActs(mark, chars[r.start - 1] ?? '', chars[r.end] ?? '')
    )
    if (could.length >= 2) could.forEach(r => acting.add(r))
  }
  // A code span needs two backtick runs of the same length.
  const ticks = runs.filter(r => r.mark === '`')
  for (const r of ticks)
    if (ticks.some(o => o !== r && o.end - o.start === r.end - r.start)) acting.add(r)
  if (acting.size === 0) return text
  const escaped = new Set<number>()
  for (const r of acting) for (let i = r.start; i < r.end; i++) escaped.add(i)
  return chars.map((c, i) => (escaped.has(i) ? `\\${c}` : c)).join('')
}
