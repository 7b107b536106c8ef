import { neutraliseBidi } from './text-safety.js'
import { SourceLocation } from './errors.js'
import { UNSAFE_CHARACTERS } from './text-safety.js'

/**
 * The only logging surface domain modules see. The run wrapper backs it with @actions/core;
 * tests and the CLI back it with something else, so domain code never imports the toolkit.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string, location?: SourceLocation): void
  notice(message: string, location?: SourceLocation): void
  /**
   * An error annotation that does not end the step by itself (the run wrapper still reports the
   * failure once); optional, so existing loggers and fakes need not implement it.
   */
  error?(message: string, location?: SourceLocation): void
  /**
   * Runs `fn` as a named, foldable phase of the log (core.group on the runner); optional, so a
   * logger without groups just prints the name. Use `phase()` rather than calling it directly.
   */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/**
 * Runs one phase of a long operation (plan, check, apply, confirm) under its name, so the log
 * reads as phases. Groups do not nest on the runner, so a phase inside a phase is only named.
 */
export async function phase<T>(logger: Logger, name: string, fn: () => Promise<T>): Promise<T> {
  if (logger.group && !inPhase) {
    inPhase = true
    try {
      return await logger.group(name, fn)
    } finally {
      inPhase = false
    }
  }
  logger.info(`-- ${name}`)
  return fn()
}
let inPhase = false

/** Collects messages; for tests and for callers that want to inspect what was said. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'debug' | 'info' | 'warning' | 'notice' | 'error'; message: string }[] =
    []
  debug(message: string): void {
    this.lines.push({ level: 'debug', message })
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }
  warning(message: string): void {
    this.lines.push({ level: 'warning', message })
  }
  notice(message: string): void {
    this.lines.push({ level: 'notice', message })
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message })
  }
  messages(level?: 'debug' | 'info' | 'warning' | 'notice' | 'error'): string[] {
    return this.lines.filter(l => level === undefined || l.level === level).map(l => l.message)
  }
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined
}

/**
 * Leading characters the Actions runner skips before it looks for a command: .NET's TrimStart()
 * removes Unicode white space; a few invisible format characters are added to be safe (escaping
 * more lines than needed costs one backslash).
 */
const LEADING_SPACE = new RegExp(`^[\\s${UNSAFE_CHARACTERS}\\u180e\\u200b-\\u200f\\u2060\\ufeff]*`)
/** Line breaks the runner (or a log viewer) may split on. */
const LINE_BREAK = /(\r\n|\r|\n|\u0085|\u2028|\u2029)/
/** `::cmd::` is a workflow command, `##[cmd]` the runner's older spelling; `\` is the escape itself. */
const COMMAND_START = /^(::|##\[|\\)/

/**
 * Makes text safe for a plain log line (core.info): no line of the result can start a workflow
 * command. The runner reads every stdout line that starts with `::` (after leading space) as a
 * command, so data such as a version "2\n::stop-commands::x" would otherwise issue commands. A
 * line that starts with `::`, `##[` or `\` gets one `\` in front; nothing else changes, so the
 * text stays readable and `unescapeLogText` restores it exactly.
 */
export function escapeLogText(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((part, i) =>
      i % 2 === 1 || !COMMAND_START.test(part.replace(LEADING_SPACE, '')) ? part : `\\${part}`
    )
    .join('')
}

/** The inverse of escapeLogText (for tests and for anyone reading a log back). */
export function unescapeLogText(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((part, i) =>
      i % 2 === 0 &&
      part.startsWith('\\') &&
      COMMAND_START.test(part.slice(1).replace(LEADING_SPACE, ''))
        ? part.slice(1)
        : part
    )
    .join('')
}

/**
 * Wraps a logger so every message is escaped before it is written: the one place data from files
 * and servers is made safe for the log. Annotations (warning, notice, error, debug) are escaped a
 * second time by @actions/core (`%`, CR, LF and, in properties, `:` and `,`), which keeps each of
 * them on one line.
 */
export function escapingLogger(inner: Logger): Logger {
  // Bidirectional controls are made visible too (core/text-safety.ts): the log is read by people.
  const safe = (text: string): string => escapeLogText(neutraliseBidi(text))
  const wrapped: Logger = {
    debug: message => inner.debug(safe(message)),
    info: message => inner.info(safe(message)),
    warning: (message, location) => inner.warning(safe(message), location),
    notice: (message, location) => inner.notice(safe(message), location)
  }
  if (inner.error) {
    const error = inner.error.bind(inner)
    wrapped.error = (message, location) => error(safe(message), location)
  }
  if (inner.group) {
    const group = inner.group.bind(inner)
    wrapped.group = (name, fn) => group(safe(name), fn)
  }
  return wrapped
}
