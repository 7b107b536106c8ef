import * as core from '@actions/core'
import { ActionError, errorMessage, renderError, type SourceLocation } from './errors.js'
import { escapingLogger, type Logger } from './logger.js'
import { envInputReader, type InputDefinition, type InputSpecs } from './inputs.js'
import type { OutputDefinition, OutputValue } from './outputs.js'

/** What an action's main receives: typed inputs, a logger, and the output/summary sinks. */
export interface ActionContext<V, N extends string = string> {
  inputs: V
  logger: Logger
  env: NodeJS.ProcessEnv
  /** Sets the outputs given (each name is one of the action's declared outputs). */
  setOutputs(values: { [K in N]?: OutputValue }): void
  /** Registers a value to be masked in every log line from now on. */
  setSecret(value: string): void
  /** Appends markdown to the job summary; written once when main finishes. */
  summary: { add(markdown: string): void }
  /**
   * Registers a cleanup (closing an MLflow client, say) that runs when main ends, however it
   * ends, last registered first; a failing cleanup is a warning, never the step's result.
   */
  defer(cleanup: () => unknown): void
}

/** How the run wrapper names a field in a message: as the action input it is. */
export const actionFieldName = (field: string): string => `Input '${field}'`

function annotationProperties(location?: SourceLocation): core.AnnotationProperties {
  if (!location) return {}
  return {
    file: location.file,
    ...(location.line === undefined ? {} : { startLine: location.line }),
    ...(location.column === undefined ? {} : { startColumn: location.column })
  }
}

/**
 * Every message is escaped (escapeLogText) before the toolkit sees it: messages carry data from
 * files and servers, and a line of data starting with `::` would be a workflow command.
 */
export const actionsLogger: Logger = escapingLogger({
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: (message, location) => core.warning(message, annotationProperties(location)),
  notice: (message, location) => core.notice(message, annotationProperties(location)),
  error: (message, location) => core.error(message, annotationProperties(location)),
  group: (name, fn) => core.group(name, fn)
})

/**
 * The one place that calls setFailed. A user's mistake (ActionError, ConfigurationError) is
 * reported as its one-line message; anything else is a bug: its stack goes to the debug log
 * and the message says so. Each error is reported exactly once.
 */
export async function runAction<S extends InputSpecs, V, N extends string>(
  name: string,
  definition: InputDefinition<S, V>,
  outputs: OutputDefinition<N>,
  main: (context: ActionContext<V, N>) => Promise<void>,
  env: NodeJS.ProcessEnv = process.env
): Promise<void> {
  const summaryParts: string[] = []
  const cleanups: (() => unknown)[] = []
  try {
    const read = envInputReader(env)
    // Masked before anything else runs, even before validation, so a bad value can never be
    // echoed back in an error.
    for (const input of definition.secrets) {
      const value = read(input)?.trim()
      if (value) core.setSecret(value)
    }
    const inputs = definition.parse(read)
    const declared = new Set<string>(outputs.names)
    await main({
      inputs,
      logger: actionsLogger,
      env,
      setOutputs: values => {
        for (const [key, value] of Object.entries<OutputValue | undefined>(values)) {
          if (!declared.has(key)) throw new Error(`output '${key}' is not declared in action.yml`)
          if (value !== undefined) core.setOutput(key, value)
        }
      },
      setSecret: value => {
        if (value) core.setSecret(value)
      },
      summary: { add: markdown => summaryParts.push(markdown) },
      defer: cleanup => cleanups.push(cleanup)
    })
  } catch (error) {
    const message = renderError(error, actionFieldName)
    if (error instanceof ActionError && error.location) {
      // setFailed cannot carry a file and line; this is setFailed with an annotation that
      // points at them, so the error is still reported once.
      core.error(message, annotationProperties(error.location))
      process.exitCode = 1
    } else if (error instanceof ActionError) {
      core.setFailed(message)
    } else {
      core.debug(error instanceof Error && error.stack ? error.stack : String(error))
      core.setFailed(
        `${name} failed unexpectedly: ${errorMessage(error)}. This is a bug in model-governance; ` +
          're-run with ACTIONS_STEP_DEBUG=true for the stack trace and report it.'
      )
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup()
      } catch (error) {
        core.warning(`A cleanup step failed: ${errorMessage(error)}`)
      }
    }
    await writeSummary(summaryParts)
  }
}

async function writeSummary(parts: string[]): Promise<void> {
  if (parts.length === 0 || !process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(parts.join('\n\n'), true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}
