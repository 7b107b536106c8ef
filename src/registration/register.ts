import { ActionError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { MlflowApiError } from '../mlflow/index.js'
import { findRegistered } from './existing.js'
import { existingLineage, lineageKeys, lineageTags, validateLineage } from './lineage.js'
import { parseSource } from './source.js'
import type {
  Lineage,
  RegistrationDeps,
  RegistrationRegistry,
  RegistrationRequest,
  RegistrationResult
} from './types.js'
import { checkSource } from './verify-source.js'
import { waitUntilReady } from './wait-ready.js'

const isCode = (error: unknown, code: string): boolean =>
  error instanceof MlflowApiError && error.errorCode === code

async function modelExists(registry: RegistrationRegistry, model: string): Promise<boolean> {
  try {
    await registry.getRegisteredModel(model)
    return true
  } catch (error) {
    if (isCode(error, 'RESOURCE_DOES_NOT_EXIST')) return false
    throw error
  }
}

/**
 * A rerun that passes other lineage than the version carries is not the same candidate in all
 * but name: the version is still reused (its source is what it is), but the mismatch is shown.
 */
function warnOnLineageDrift(
  prefix: string,
  lineage: Lineage,
  recorded: Record<string, string>,
  version: string,
  logger: Logger
): void {
  const keys = lineageKeys(prefix)
  for (const field of ['gitCommit', 'lockSha256', 'modelMd5'] as const) {
    const passed = lineage[field]
    const had = recorded[keys[field]]
    if (passed && had !== passed) {
      logger.warning(
        `Version ${version} was registered with ${keys[field]}=${had ?? '(none)'}, but this run passed ${passed}; the version was reused and its tags left as they were.`
      )
    }
  }
}

/** A refusal names the permission MLflow wants, which its own 403 body does not. */
function explainRefusal(error: unknown, model: string, server: string): unknown {
  if (!isCode(error, 'PERMISSION_DENIED')) return error
  return new ActionError(
    `PERMISSION_DENIED: ${server} refused to create a version of registered model '${model}'. Registering needs EDIT ` +
      `(or MANAGE) on the registered model and READ on the source run or logged model; grant it in MLflow or use another account. Nothing was registered.`,
    { cause: error }
  )
}

/**
 * Registers `source` as a new version of `model`, tagged with its lineage, and waits until it is
 * READY. Every check (input form, lineage values, the source's existence, the model's existence)
 * runs before the first write. A rerun with the same run and source finds the earlier version
 * and writes nothing.
 */
export async function registerCandidate(
  request: RegistrationRequest,
  deps: RegistrationDeps
): Promise<RegistrationResult> {
  const { registry, logger, clock } = deps
  const source = parseSource(request.source)
  const lineage = validateLineage(request.lineage)
  const checked = await checkSource(registry, source, request.runId, logger)
  const exists = await modelExists(registry, request.model)
  if (!exists && !request.createModel) {
    throw new FieldError(
      'model-name',
      `names registered model '${request.model}', which does not exist at ${registry.server}. ` +
        "Set 'create-model' to true to create it, or fix the name. Nothing was registered."
    )
  }
  const base = {
    model: request.model,
    source: source.uri,
    runId: checked.runId ?? '',
    modelId: checked.modelId ?? '',
    dryRun: request.dryRun === true
  }

  if (exists) {
    const earlier = await findRegistered(registry, request.model, source.uri, checked.runId, logger)
    if (earlier) {
      logger.info(
        `Already registered: '${request.model}' version ${earlier.version} comes from ${source.uri}` +
          `${checked.runId ? ` (run ${checked.runId})` : ''}; no new version created.`
      )
      const { version, waitedMs } = await waitUntilReady(
        registry,
        earlier,
        request.timeoutMs,
        clock,
        logger,
        earlier
      )
      const recorded = existingLineage(request.tagPrefix, version.tags)
      warnOnLineageDrift(request.tagPrefix, lineage, recorded, version.version, logger)
      return {
        ...base,
        version: version.version,
        registered: false,
        createdModel: false,
        tags: recorded,
        status: version.status,
        waitedMs,
        modelVersion: version
      }
    }
  }

  const tags = lineageTags(request.tagPrefix, lineage, deps.run, new Date(clock.now()))
  if (request.dryRun) {
    logger.info(
      `Dry run: would register ${source.uri} as a new version of '${request.model}'` +
        `${exists ? '' : ' (creating the registered model)'}, tagged with its lineage; nothing was written.`
    )
    return {
      ...base,
      version: '',
      registered: false,
      createdModel: false,
      tags,
      status: '',
      waitedMs: 0
    }
  }

  let createdModel = false
  if (!exists) {
    try {
      await registry.createRegisteredModel(request.model)
      createdModel = true
      logger.info(`Created registered model '${request.model}' (create-model: true).`)
    } catch (error) {
      // Another job created it between our read and this write: the model is there, carry on.
      if (!isCode(error, 'RESOURCE_ALREADY_EXISTS'))
        throw explainRefusal(error, request.model, registry.server)
    }
  }

  let created
  try {
    created = await registry.createModelVersion({
      name: request.model,
      source: source.uri,
      runId: checked.runId,
      modelId: checked.modelId,
      tags
    })
  } catch (error) {
    throw explainRefusal(error, request.model, registry.server)
  }
  logger.info(
    `Registered ${source.uri} as '${request.model}' version ${created.version} (${created.status}).`
  )
  const { version, waitedMs } = await waitUntilReady(
    registry,
    created,
    request.timeoutMs,
    clock,
    logger
  )
  return {
    ...base,
    version: version.version,
    registered: true,
    createdModel,
    tags,
    status: version.status,
    waitedMs,
    modelVersion: version
  }
}
