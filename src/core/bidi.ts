/**
 * Bidirectional control characters: the embeddings and overrides (U+202A–U+202E), the isolates
 * (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). In text people read (a justification,
 * a review comment) they reorder what is shown: "approve‮ 3v ton od‬" displays as something else
 * than the bytes say (CVE-2021-42574, "Trojan Source"). They are replaced with a visible
 * `[U+202E]`, so the reader sees that something was there and the text stays in logical order.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu

/** The bidi controls a text holds, as `U+XXXX`, each once, in order of first appearance. */
export function bidiControls(text: string): string[] {
  const found = new Set<string>()
  for (const m of text.matchAll(BIDI))
    found.add(`U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
  return [...found]
}

/** The text with every bidi control made visible as `[U+XXXX]`. */
export function neutraliseBidi(text: string): string {
  return text.replace(
    BIDI,
    c => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`
  )
}
