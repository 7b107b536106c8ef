import { safeExcerpt } from '../core/text-safety.js'

/**
 * Server text inside a message: control characters (an ANSI escape, a newline forging a log
 * line) become spaces and very long values are cut, before anything is printed or logged.
 */
export function terminalSafeText(text: string, max = 300): string {
  return safeExcerpt(text, max)
}
