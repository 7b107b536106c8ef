import { MlflowApiError, type MlflowClient, type ModelVersion } from '../mlflow/index.js'
import { targetKey, type Target } from './targets.js'

/** The registry operations reconcile reads with; the real MlflowClient satisfies it. */
export type RegistryReader = Pick<
  MlflowClient,
  'server' | 'getLatestVersions' | 'getVersionByAlias'
>

/** The version holding each target now (undefined: nobody), keyed by targetKey. */
export type RegistryHolders = Map<string, ModelVersion | undefined>

function missingModel(error: unknown): boolean {
  return error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST'
}

async function unlessMissing<T, F>(read: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await read
  } catch (error) {
    if (missingModel(error)) return fallback
    throw error
  }
}

/**
 * Reads the current holders: one get-latest-versions call for all stages (it answers the
 * highest version per stage, which is what `models:/<name>/<stage>` loads) and one alias GET per
 * alias (version search results carry no aliases). A deleted model holds nothing.
 */
export async function readRegistryHolders(
  registry: RegistryReader,
  model: string,
  targets: Target[]
): Promise<RegistryHolders> {
  const stages = targets.filter(t => t.kind === 'stage').map(t => t.name)
  const aliases = targets.filter(t => t.kind === 'alias')
  const [latest, ...byAlias] = await Promise.all([
    stages.length > 0 ? unlessMissing(registry.getLatestVersions(model, stages), []) : [],
    ...aliases.map(t => unlessMissing(registry.getVersionByAlias(model, t.name), undefined))
  ])
  const holders: RegistryHolders = new Map()
  for (const target of targets) {
    if (target.kind === 'stage')
      holders.set(
        targetKey(target),
        latest.find(v => v.current_stage === target.name)
      )
  }
  aliases.forEach((target, i) => holders.set(targetKey(target), byAlias[i]))
  return holders
}
