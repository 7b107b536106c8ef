import type { Logger } from '../core/logger.js'
import type { ModelVersion } from '../mlflow/index.js'
import type { RegistrationRegistry } from './types.js'

/** MLflow's search grammar takes single-quoted strings; a value holding a quote is double-quoted instead. */
export function filterValue(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`
}

/**
 * The version an earlier run registered from this same run and source, if any. Found by run id
 * (indexed) and then compared on the exact source; without a run id, by the source alone.
 * A FAILED_REGISTRATION version does not count: registering again is the way out of it.
 */
export async function findRegistered(
  registry: RegistrationRegistry,
  model: string,
  source: string,
  runId: string | undefined,
  logger: Logger
): Promise<ModelVersion | undefined> {
  const filter = runId
    ? `name=${filterValue(model)} AND run_id=${filterValue(runId)}`
    : `name=${filterValue(model)} AND source_path=${filterValue(source)}`
  const matches = (await registry.searchModelVersions(filter))
    .filter(v => v.source === source && (runId ? v.run_id === runId : true))
    .filter(v => v.status !== 'FAILED_REGISTRATION')
    .sort((a, b) => Number(a.version) - Number(b.version))
  if (matches.length > 1) {
    logger.warning(
      `Registered model '${model}' already has ${matches.length} versions from ${source} (${matches.map(v => v.version).join(', ')}); using the first, version ${matches[0]!.version}.`
    )
  }
  return matches[0]
}
