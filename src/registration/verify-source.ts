import { FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { MlflowApiError, type Run } from '../mlflow/index.js'
import type { ModelSource } from './source.js'
import type { RegistrationRegistry } from './types.js'

/** What the server knows about a source that exists: the ids MLflow needs with it. */
export interface CheckedSource {
  runId?: string
  modelId?: string
  /** False when the artifact store is out of the action's sight (e.g. s3:// outside any run). */
  verified: boolean
}

const notFound = (error: unknown): boolean =>
  error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST'

function missing(source: ModelSource, what: string): never {
  throw new FieldError(
    'source',
    `(${source.uri}): ${what}; check the source and the tracking server. Nothing was registered.`
  )
}

async function getRun(
  registry: RegistrationRegistry,
  source: ModelSource,
  runId: string
): Promise<Run> {
  let run: Run
  try {
    run = await registry.getRun(runId)
  } catch (error) {
    if (notFound(error)) missing(source, `run '${runId}' does not exist at ${registry.server}`)
    throw error
  }
  if (run.info.lifecycle_stage === 'deleted') missing(source, `run '${runId}' is deleted`)
  return run
}

const parentOf = (path: string): string =>
  path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''

/** A path inside a run's artifact tree exists when its parent's listing names it. */
async function requireRunArtifact(
  registry: RegistrationRegistry,
  source: ModelSource,
  runId: string,
  path: string
): Promise<void> {
  const parent = parentOf(path)
  const entries = await registry.listRunArtifacts(runId, parent || undefined)
  const found = path === '' ? entries.length > 0 : entries.some(entry => entry.path === path)
  if (!found) {
    const seen = entries.map(entry => entry.path).slice(0, 10)
    missing(
      source,
      `run '${runId}' has no artifact at '${path || '(root)'}'` +
        (seen.length
          ? ` (under '${parent || '(root)'}' it has: ${seen.join(', ')})`
          : ' (the run has no artifacts there)')
    )
  }
}

/** The proxied-artifact path of a `mlflow-artifacts:/...` URI served by this same server. */
function proxiedPath(uri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/\/|\/(?!\/))(.*)$/.exec(uri)
  return match ? match[1]!.replace(/\/+$/, '') : undefined
}

/**
 * Checks that the source exists before anything is written, so a wrong source fails clearly and
 * registers nothing (MLflow itself registers a `runs:/` path that has no artifacts).
 */
export async function checkSource(
  registry: RegistrationRegistry,
  source: ModelSource,
  runIdInput: string | undefined,
  logger: Logger
): Promise<CheckedSource> {
  switch (source.kind) {
    case 'run': {
      if (runIdInput && runIdInput !== source.runId) {
        missing(
          source,
          `it names run '${source.runId}' but 'source-run-id' is '${runIdInput}'; leave source-run-id empty for a runs:/ source`
        )
      }
      await getRun(registry, source, source.runId)
      await requireRunArtifact(registry, source, source.runId, source.path)
      return { runId: source.runId, verified: true }
    }
    case 'logged-model': {
      let model
      try {
        model = await registry.getLoggedModel(source.modelId)
      } catch (error) {
        if (notFound(error))
          missing(source, `logged model '${source.modelId}' does not exist at ${registry.server}`)
        throw error
      }
      const status = model.info.status ?? ''
      if (/FAILED/i.test(status)) missing(source, `logged model '${source.modelId}' is ${status}`)
      if (status && !/READY/i.test(status))
        logger.warning(
          `Logged model '${source.modelId}' is ${status}, not READY; registering it anyway.`
        )
      const runId = model.info.source_run_id
      if (runIdInput && runId && runIdInput !== runId) {
        missing(
          source,
          `the logged model comes from run '${runId}' but 'source-run-id' is '${runIdInput}'`
        )
      }
      return {
        modelId: source.modelId,
        ...(runId || runIdInput ? { runId: (runId || runIdInput)! } : {}),
        verified: true
      }
    }
    case 'artifact': {
      const runId = runIdInput ?? source.runId
      if (runId) {
        const run = await getRun(registry, source, runId)
        const root = (run.info.artifact_uri ?? '').replace(/\/+$/, '')
        if (!root || (source.uri !== root && !source.uri.startsWith(`${root}/`))) {
          missing(
            source,
            `it is not inside the artifacts of run '${runId}' (${root || 'no artifact URI'}); give the run that logged it in 'source-run-id', or leave source-run-id empty`
          )
        }
        await requireRunArtifact(
          registry,
          source,
          runId,
          source.uri.slice(root.length).replace(/^\/+|\/+$/g, '')
        )
        return { runId, verified: true }
      }
      const proxied = proxiedPath(source.uri)
      if (proxied !== undefined) {
        const parent = parentOf(proxied)
        const name = proxied.slice(parent ? parent.length + 1 : 0)
        const entries = await registry.listProxiedArtifacts(parent)
        if (!entries.some(entry => entry.path === name || entry.path === proxied)) {
          missing(source, `no artifact exists at '${proxied}' in the server's artifact store`)
        }
        return { verified: true }
      }
      logger.warning(
        `The action cannot see ${source.scheme}: storage, so it did not check that ${source.uri} exists; MLflow registers it as given.`
      )
      return { verified: false }
    }
  }
}
