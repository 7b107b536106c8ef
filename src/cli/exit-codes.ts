import { ActionError, ConfigurationError } from '../core/errors.js'
import { MlflowApiError, MlflowUnavailableError } from '../mlflow/index.js'

/** The CLI's exit codes; docs/cli.md documents the same table. */
export const EXIT = {
  /** The command ran and found nothing wrong. */
  ok: 0,
  /** The command ran and found a problem: drift, or a broken audit chain. */
  problem: 1,
  /** The command line, an environment variable, the policy file or the audit file path is wrong. */
  usage: 2,
  /** The tracking server could not be reached, refused the credentials, or answered an error. */
  registry: 3,
  /** A bug in model-governance: please report it with the output of --verbose. */
  internal: 4
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A mistake on the command line itself (unknown command or option, missing argument). */
export class UsageError extends ConfigurationError {}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof ConfigurationError) return EXIT.usage
  if (error instanceof MlflowApiError || error instanceof MlflowUnavailableError)
    return EXIT.registry
  if (error instanceof ActionError) return EXIT.problem
  return EXIT.internal
}
