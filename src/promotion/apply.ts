import { ActionError } from '../core/errors.js'
import { MlflowApiError } from '../mlflow/index.js'
import { moveLabel, type Move, type Registry } from './types.js'

/** Error codes and messages with which a registry says it has no stage API (Unity Catalog, a future MLflow). */
const NO_STAGE_API_CODES = new Set(['ENDPOINT_NOT_FOUND', 'FEATURE_DISABLED', 'NOT_IMPLEMENTED'])
const NO_STAGE_API_TEXT =
  /not supported|unsupported|stages? (are|is) (deprecated|removed)|no longer support/i

export function rejectsStageApi(error: unknown): boolean {
  return (
    error instanceof MlflowApiError &&
    (NO_STAGE_API_CODES.has(error.errorCode) ||
      (error.status < 500 && NO_STAGE_API_TEXT.test(error.serverMessage)))
  )
}

/** Applies one move. Versions go out as JSON strings; archiving is only asked for where MLflow allows it. */
export async function applyMove(
  registry: Registry,
  model: string,
  version: string,
  move: Move
): Promise<void> {
  try {
    if (move.kind === 'stage')
      await registry.transitionStage(model, version, move.stage, move.archiveExisting)
    else await registry.setAlias(model, move.alias, version)
  } catch (error) {
    if (move.kind === 'stage' && rejectsStageApi(error)) {
      throw new ActionError(
        `The registry at ${registry.server} rejected the stage API for '${model}' (${(error as MlflowApiError).errorCode}); ` +
          'it has no stages (Unity Catalog, or an MLflow without them). Set registry.mode: aliases in the policy file ' +
          'and promote with aliases',
        { cause: error }
      )
    }
    if (error instanceof MlflowApiError && error.errorCode === 'PERMISSION_DENIED') {
      throw new ActionError(
        `PERMISSION_DENIED: the tracking user may not move ${moveLabel(move)} of registered model '${model}' at ${registry.server}; ` +
          `it needs the EDIT permission on '${model}' (READ is not enough). Grant EDIT in MLflow or use another account`,
        { cause: error }
      )
    }
    throw error
  }
}
