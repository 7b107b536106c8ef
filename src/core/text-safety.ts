/**
 * The suite's one rule for text that came from somewhere else (a server, a file, a commit, an
 * input) before it is printed, logged, written into a table or used as a name:
 *
 *   UNSAFE = the C0 controls (U+0000–U+001F), DEL (U+007F), the C1 controls (U+0080–U+009F),
 *            the line and paragraph separators (U+2028, U+2029), and the bidirectional
 *            controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
 *
 * Controls can forge log lines, rewrite a terminal (ANSI escapes) or break a table row; the
 * separators break lines in JSON-aware viewers and the runner's log; bidirectional controls
 * make text display in another order than it is stored (a justification shown reversed,
 * "Trojan Source"). Every filter in src/ is one of the functions below, so a fix lands once.
 * Multi-line output (the CLI's messages) may keep `\n` and `\t`, and nothing else.
 */
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029'
const BIDI_CLASS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069'
const UNSAFE_CLASS = CONTROL_CLASS + BIDI_CLASS

/** The class's source, for the one place that extends it (the logger's leading-space rule). */
export const UNSAFE_CHARACTERS = UNSAFE_CLASS
/** Its controls and separators alone, for the audit line's escaping (src/audit/format.ts). */
export const CONTROL_CHARACTERS = CONTROL_CLASS

const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`)
const UNSAFE_RUNS = new RegExp(`[${UNSAFE_CLASS}]+`, 'g')
const UNSAFE_EACH = new RegExp(`[${UNSAFE_CLASS}]`, 'g')
/** The same class less `\t` and `\n`, for text that is meant to span lines. */
const UNSAFE_MULTILINE = new RegExp(`(?![\\t\\n])[${UNSAFE_CLASS}]`, 'g')

const BIDI = new RegExp(`[${BIDI_CLASS}]`, 'g')
const codePoint = (c: string): string =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** The bidirectional controls a text holds, as `U+XXXX`, each once, in order of first appearance. */
export function bidiControls(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(BIDI), m => codePoint(m[0])))]
}

/**
 * Bidirectional controls made visible as `[U+202E]`: in text people read (a justification, a
 * review comment) the reader then sees that something was there, and the text stays in its
 * logical order. Every function below that prints text does this first.
 */
export function neutraliseBidi(text: string): string {
  return text.replace(BIDI, c => `[${codePoint(c)}]`)
}

/** Whether the text holds any unsafe character. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE.test(text)
}

/** One line: bidi controls made visible, every run of other unsafe characters one space, ends trimmed. */
export function oneLine(text: string): string {
  return neutraliseBidi(text).replace(UNSAFE_RUNS, ' ').trim()
}

/**
 * Bidi controls made visible, and each other unsafe character `replacement`, optionally
 * keeping `\n` and `\t` for multi-line output.
 */
export function replaceUnsafe(
  text: string,
  replacement = ' ',
  options: { multiline?: boolean } = {}
): string {
  return neutraliseBidi(text).replace(
    options.multiline ? UNSAFE_MULTILINE : UNSAFE_EACH,
    replacement
  )
}

/** Server or file text inside a message: made safe, and cut at `max` characters. */
export function safeExcerpt(text: string, max = 300): string {
  const clean = replaceUnsafe(text)
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/**
 * One path segment named by an untrusted listing (an artifact store, a server): a plain name,
 * never empty, `.`, `..`, a separator (`/` or `\`), an unsafe character, or longer than 255.
 */
export function isPlainSegment(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    name.length <= 255 &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !hasUnsafeText(name)
  )
}

/** A relative '/'-separated path from an untrusted listing: every segment plain, 4096 at most. */
export function isPlainRelpath(relpath: string): boolean {
  return relpath.length <= 4096 && relpath.split('/').every(isPlainSegment)
}
