import { neutraliseBidi } from '../core/bidi.js'

/**
 * Server text inside a message: control characters (an ANSI escape, a newline forging a log
 * line) become spaces and very long values are cut, before anything is printed or logged.
 */
export function terminalSafeText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = neutraliseBidi(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
