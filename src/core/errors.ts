/**
 * Errors the suite raises on purpose. Anything else reaching the run wrapper is a bug.
 */

/** Where in a user's file a problem sits, so the run wrapper can annotate that line. */
export interface SourceLocation {
  file: string
  line?: number
  column?: number
}

/** An expected failure: reported as a one-line message, never with a stack. */
export class ActionError extends Error {
  readonly location?: SourceLocation

  constructor(message: string, options: { location?: SourceLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    if (options.location) this.location = options.location
  }
}

/**
 * A user's mistake: a bad input, file or policy. The message names the input (or file and line)
 * and says what to change.
 */
export class ConfigurationError extends ActionError {}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}

/** Formats `file:line:column` for messages; the parts that are unknown are left out. */
export function formatLocation(location: SourceLocation): string {
  let text = location.file
  if (location.line !== undefined) text += `:${location.line}`
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`
  return text
}
