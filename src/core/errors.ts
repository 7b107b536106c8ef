/**
 * Errors the suite raises on purpose. Anything else reaching the run wrapper is a bug.
 */

/** Where in a user's file a problem sits, so the run wrapper can annotate that line. */
export interface SourceLocation {
  file: string
  line?: number
  column?: number
}

export interface ErrorOptions {
  location?: SourceLocation
  cause?: unknown
  /**
   * The field of the request the problem concerns (an action input, or the CLI option or
   * environment variable that stands for it). The message then starts after the field's name,
   * and each interface renders the name its own way (see renderError).
   */
  field?: string
}

/** An expected failure: reported as a one-line message, never with a stack. */
export class ActionError extends Error {
  readonly location?: SourceLocation
  readonly field?: string
  /** With a field: the message after the field's name. */
  readonly detail: string

  constructor(message: string, options: ErrorOptions = {}) {
    super(
      options.field === undefined ? message : `'${options.field}' ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause }
    )
    this.name = new.target.name
    this.detail = message
    if (options.location) this.location = options.location
    if (options.field !== undefined) this.field = options.field
  }
}

/**
 * A user's mistake: a bad input, file or policy. The message names the input (or file and line)
 * and says what to change.
 */
export class ConfigurationError extends ActionError {}

/**
 * A problem with one named field of a request: an action input, or the CLI option or
 * environment variable that stands for it. Domain code names only the field; each interface
 * renders it its own way (the run wrapper as the action input, the CLI as its option), so no domain
 * module speaks in action vocabulary.
 */
export class FieldError extends ConfigurationError {
  declare readonly field: string

  constructor(field: string, detail: string, options: Omit<ErrorOptions, 'field'> = {}) {
    super(detail, { ...options, field })
  }
}

/**
 * The same kind of error, its field and location kept, with a sentence appended: for callers
 * that add what the registry looks like to a failure. Anything that is not an ActionError
 * becomes one (the wrapper would otherwise call it a bug in the suite, which it may be; the
 * cause keeps the original).
 */
export function extendError(error: unknown, more: string): ActionError {
  const join = (text: string): string => `${text.replace(/\.$/, '')}. ${more}`
  if (!(error instanceof ActionError))
    return new ActionError(join(errorMessage(error)), { cause: error })
  const options: ErrorOptions = {
    cause: error,
    ...(error.location ? { location: error.location } : {}),
    ...(error.field !== undefined ? { field: error.field } : {})
  }
  const Kind = error instanceof ConfigurationError ? ConfigurationError : ActionError
  return new Kind(join(error.detail), options)
}

/** What a message is about: a field of the request, or a place in a file ("Policy file x.yml"). */
export type Subject = { field: string } | { text: string }

export function subjectText(subject: Subject): string {
  return 'field' in subject ? `'${subject.field}'` : subject.text
}

/** The error for a problem with a subject: a FieldError for a field, else a ConfigurationError. */
export function problemWith(
  subject: Subject,
  detail: string,
  options: Omit<ErrorOptions, 'field'> = {}
): ConfigurationError {
  return 'field' in subject
    ? new FieldError(subject.field, detail, options)
    : new ConfigurationError(`${subject.text} ${detail}`, options)
}

/** An error's message as one interface shows it: `nameField` says how it names a field. */
export function renderError(error: unknown, nameField: (field: string) => string): string {
  if (error instanceof ActionError && error.field !== undefined)
    return `${nameField(error.field)} ${error.detail}`
  return errorMessage(error)
}

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
