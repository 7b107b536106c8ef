import type { SourceLocation } from './errors.js'

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
}

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
