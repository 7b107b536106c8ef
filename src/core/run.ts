import * as core from '@actions/core'
import { ActionError, errorMessage, type SourceLocation } from './errors.js'
import { escapingLogger, type Logger } from './logger.js'
import {
  envInputReader,
  type InputDefinition,
  type InputSpecs,
  type InputValues
} from './inputs.js'

/** What an action's main receives: typed inputs, a logger, and the output/summary sinks. */
export interface ActionContext<S extends InputSpecs> {
  inputs: InputValues<S>
  logger: Logger
  env: NodeJS.ProcessEnv
  setOutput(name: string, value: string | number | boolean): void
  /** Registers a value to be masked in every log line from now on. */
  setSecret(value: string): void
  /** Appends markdown to the job summary; written once when main finishes. */
  summary: { add(markdown: string): void }
}

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
  error: (message, location) => core.error(message, annotationProperties(location))
})

/**
 * Names of inputs that hold secrets in any action; they are masked before anything else runs,
 * even before validation, so a bad value can never be echoed back in an error.
 */
const SECRET_INPUTS = [
  'tracking-token',
  'tracking-password',
  'github-token',
  'token',
  // notify: a webhook URL is its own credential (whoever has it can post to the channel).
  'slack-webhook-url',
  'teams-webhook-url',
  'webhook-url'
]

/**
 * The one place that calls setFailed. A user's mistake (ActionError, ConfigurationError) is
 * reported as its one-line message; anything else is a bug: its stack goes to the debug log
 * and the message says so. Each error is reported exactly once.
 */
export async function runAction<S extends InputSpecs>(
  name: string,
  definition: InputDefinition<S>,
  main: (context: ActionContext<S>) => Promise<void>,
  env: NodeJS.ProcessEnv = process.env
): Promise<void> {
  const summaryParts: string[] = []
  try {
    const read = envInputReader(env)
    for (const input of SECRET_INPUTS) {
      const value = read(input)?.trim()
      if (value) core.setSecret(value)
    }
    const inputs = definition.parse(read)
    await main({
      inputs,
      logger: actionsLogger,
      env,
      setOutput: (key, value) => core.setOutput(key, value),
      setSecret: value => {
        if (value) core.setSecret(value)
      },
      summary: { add: markdown => summaryParts.push(markdown) }
    })
  } catch (error) {
    if (error instanceof ActionError && error.location) {
      // setFailed cannot carry a file and line; this is setFailed with an annotation that
      // points at them, so the error is still reported once.
      core.error(error.message, annotationProperties(error.location))
      process.exitCode = 1
    } else if (error instanceof ActionError) {
      core.setFailed(error.message)
    } else {
      core.debug(error instanceof Error && error.stack ? error.stack : String(error))
      core.setFailed(
        `${name} failed unexpectedly: ${errorMessage(error)}. This is a bug in model-governance; ` +
          're-run with ACTIONS_STEP_DEBUG=true for the stack trace and report it.'
      )
    }
  } finally {
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
