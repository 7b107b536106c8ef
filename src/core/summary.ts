import { neutraliseBidi, replaceUnsafe } from './text-safety.js'

/**
 * Small markdown builders for job summaries. Data is escaped by default: a job summary renders
 * GitHub-flavoured markdown with HTML, so a model name, a reason or a dependency path taken as
 * markup could show a fake link, an image that calls out, or HTML. Markup built by this code is
 * passed as `trusted(...)`.
 */

/** Markdown written by this code, not data: markdownTable leaves it as it is. */
export interface Trusted {
  readonly markdown: string
}

export function trusted(markdown: string): Trusted {
  return { markdown }
}

function isTrusted(value: unknown): value is Trusted {
  return typeof value === 'object' && value !== null && 'markdown' in value
}

const WORD = /^[\p{L}\p{N}]$/u

function asText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * Data as inert inline text:
 * - a `<` that could open a tag, a comment or a `<url>` autolink becomes `&lt;`, and an `&` that
 *   could start an entity `&amp;` (`a < b` and `acc >= 0.9` are plain text already and stay);
 * - `[ ]` (links, images, link definitions), `` ` `` (code spans), `* ~` (emphasis,
 *   strike-through), `$` (math), `|` (table cells) and `\` itself get a backslash;
 * - `_` too, unless it sits inside a word (val_auc), where it is never emphasis;
 * - line breaks become `<br>`;
 * - bidirectional controls become a visible `[U+202E]` (core/text-safety.ts).
 * It renders as the original characters. Bare URLs may still be autolinked by GitHub; such a
 * link shows its real destination.
 */
export function escapeCell(value: unknown): string {
  if (isTrusted(value)) return value.markdown
  // Unsafe characters (src/core/text-safety.ts) become spaces; line breaks stay, as <br>.
  return replaceUnsafe(asText(value), ' ', { multiline: true })
    .replace(/&(?=[#A-Za-z])/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/[\\`*[\]|~$]/g, c => `\\${c}`)
    .replace(/_/g, (c, at: number, text: string) =>
      WORD.test(text[at - 1] ?? '') && WORD.test(text[at + 1] ?? '') ? c : '\\_'
    )
    .replace(/\n/g, '<br>')
}

/** Another name for escapeCell, for data outside tables (headings, list items, quotes). */
export const escapeText = escapeCell

/**
 * Data as an inline code span: the fence is longer than any backtick run inside, and line
 * breaks become spaces (a code span cannot hold one). Inside a code span nothing is markup.
 * `inTable`: GFM splits cells on `|` even inside code spans, so it is escaped there.
 */
export function code(value: unknown, inTable = false): string {
  let text = neutraliseBidi(asText(value)).replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ')
  if (inTable) text = text.replace(/\|/g, '\\|')
  if (text === '') return ''
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** A table; every cell is escaped data unless it is `trusted(...)`. */
export function markdownTable(headers: string[], rows: unknown[][]): string {
  const head = `| ${headers.map(escapeCell).join(' | ')} |`
  const rule = `| ${headers.map(() => '---').join(' | ')} |`
  const body = rows.map(row => `| ${row.map(escapeCell).join(' | ')} |`)
  return [head, rule, ...body].join('\n')
}

/** A heading; `text` is markdown (escape any data in it with escapeText). */
export function heading(text: string, level = 3): string {
  return `${'#'.repeat(level)} ${text}`
}
