import { POLL_BACKOFF, waitFor, type Backoff } from '../core/backoff.js'
import { ActionError } from '../core/errors.js'
import type { Clock } from '../core/time.js'
import type { Logger } from '../core/logger.js'
import type { ModelVersion } from '../mlflow/index.js'
import type { RegistrationRegistry } from './types.js'

/**
 * Backoff between reads of a pending version: short first, since OSS registers synchronously;
 * without jitter, so the wait the log announces is the wait taken.
 */
export const READY_POLL: Backoff = { ...POLL_BACKOFF, jitter: 'none' }

export class RegistrationFailedError extends ActionError {}

function failed(version: ModelVersion): RegistrationFailedError {
  const said = version.status_message?.trim()
  return new RegistrationFailedError(
    `MLflow could not register ${version.source ?? 'the source'} as registered model '${version.name}' version ${version.version}: ` +
      `FAILED_REGISTRATION (${said ? `MLflow said: ${said}` : 'MLflow gave no status message'}). The version stays in the registry in that state; fix the source and run again.`
  )
}

/**
 * Reads the version until it is READY. A new version is read back once even when the create
 * response said READY: the create answer is built from the row as written, while the stored
 * status is what a registry that copies artifacts asynchronously (Databricks, plugin stores)
 * updates later. A version found by search is taken as the search showed it.
 */
export async function waitUntilReady(
  registry: RegistrationRegistry,
  target: { name: string; version: string },
  timeoutMs: number,
  clock: Clock,
  logger: Logger,
  seen?: ModelVersion
): Promise<{ version: ModelVersion; waitedMs: number }> {
  const started = clock.now()
  let current = seen ?? (await registry.getModelVersion(target.name, target.version))
  let first = true
  const ready = await waitFor(
    async () => {
      if (!first) current = await registry.getModelVersion(current.name, current.version)
      first = false
      if (current.status === 'READY') return current
      if (current.status === 'FAILED_REGISTRATION') throw failed(current)
      return undefined
    },
    {
      clock,
      random: Math.random,
      timeoutMs,
      backoff: READY_POLL,
      onWait: (_looks, wait) =>
        logger.info(
          `Version ${current.version} of '${current.name}' is ${current.status}; reading again in ${Math.round(wait)} ms.`
        )
    }
  )
  if (ready) return { version: ready, waitedMs: clock.now() - started }
  const elapsed = clock.now() - started
  throw new ActionError(
    `Registered model '${current.name}' version ${current.version} is still ${current.status} after ${Math.round(elapsed / 1000)} s ` +
      `(timeout-seconds: ${Math.round(timeoutMs / 1000)}). It exists; a rerun with the same source finds it and waits again.`
  )
}
