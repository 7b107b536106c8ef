import { ActionError, ConfigurationError } from '../core/errors.js'
import type { ModelVersion } from '../mlflow/index.js'
import { MLFLOW_STAGES } from '../mlflow/index.js'
import { waitFor, type WaitOptions } from './poll.js'
import type { Registry } from './types.js'

/** MLflow's search grammar takes single-quoted strings; a name holding a quote is double-quoted instead. */
export function quoteFilterValue(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`
}

export async function allVersions(registry: Registry, model: string): Promise<ModelVersion[]> {
  return registry.searchModelVersions(`name=${quoteFilterValue(model)}`)
}

const byNumberDesc = (a: ModelVersion, b: ModelVersion): number =>
  Number(b.version) - Number(a.version)

/**
 * Resolves the `version` input: a number, `latest`, `alias:<name>`, `stage:<Stage>` or
 * `run:<run_id>`. A version still in PENDING_REGISTRATION is waited for until the timeout.
 */
export async function resolveVersion(
  registry: Registry,
  model: string,
  spec: string,
  wait: WaitOptions
): Promise<ModelVersion> {
  const found = await findVersion(registry, model, spec.trim())
  if (found.status === 'READY') return found
  if (found.status === 'FAILED_REGISTRATION') throw failedRegistration(model, found)
  const ready = await waitFor(async () => {
    const current = await registry.getModelVersion(model, found.version)
    if (current.status === 'FAILED_REGISTRATION') throw failedRegistration(model, current)
    return current.status === 'PENDING_REGISTRATION' ? undefined : current
  }, wait)
  if (!ready) {
    throw new ActionError(
      `Version ${found.version} of '${model}' was still PENDING_REGISTRATION after ${Math.round(wait.timeoutMs / 1000)} s; ` +
        'wait for its registration to finish (or raise timeout-seconds) and run again. Nothing was changed in the registry.'
    )
  }
  return ready
}

function failedRegistration(model: string, version: ModelVersion): ActionError {
  const why = version.status_message ? `: ${version.status_message}` : ''
  return new ActionError(
    `Version ${version.version} of '${model}' is FAILED_REGISTRATION${why}; register the model again and promote the new version. ` +
      'Nothing was changed in the registry.'
  )
}

async function findVersion(registry: Registry, model: string, spec: string): Promise<ModelVersion> {
  if (/^\d+$/.test(spec)) return registry.getModelVersion(model, String(Number(spec)))
  if (spec.toLowerCase() === 'latest') {
    const [highest] = (await allVersions(registry, model)).sort(byNumberDesc)
    if (!highest)
      throw new ActionError(
        `Registered model '${model}' has no versions; register one before promoting it`
      )
    return registry.getModelVersion(model, highest.version)
  }
  const colon = spec.indexOf(':')
  const kind = colon > 0 ? spec.slice(0, colon).toLowerCase() : ''
  const arg = spec.slice(colon + 1).trim()
  if (kind === 'alias' && arg) {
    const version = await registry.getVersionByAlias(model, arg)
    if (!version)
      throw new ActionError(
        `is '${spec}', but '${model}' has no alias '${arg}'; set the alias first or name a version`,
        { field: 'version' }
      )
    return version
  }
  if (kind === 'stage' && arg) {
    const stage = MLFLOW_STAGES.find(s => s.toLowerCase() === arg.toLowerCase())
    if (!stage)
      throw new ConfigurationError(
        `is '${spec}'; use stage:<Stage> with one of ${MLFLOW_STAGES.join(', ')}`,
        { field: 'version' }
      )
    const [holder] = (await allVersions(registry, model))
      .filter(v => v.current_stage === stage)
      .sort(byNumberDesc)
    if (!holder)
      throw new ActionError(`is '${spec}', but no version of '${model}' is in stage ${stage}`, {
        field: 'version'
      })
    return registry.getModelVersion(model, holder.version)
  }
  if (kind === 'run' && arg) {
    const versions = await registry.searchModelVersions(
      `name=${quoteFilterValue(model)} AND run_id=${quoteFilterValue(arg)}`
    )
    const [newest, ...others] = versions.sort(byNumberDesc)
    if (!newest)
      throw new ActionError(
        `is '${spec}', but no version of '${model}' was registered from run ${arg}`,
        { field: 'version' }
      )
    if (others.length > 0) {
      throw new ActionError(
        `is '${spec}', and run ${arg} registered several versions of '${model}' ` +
          `(${[newest, ...others].map(v => v.version).join(', ')}); name the version number instead`,
        { field: 'version' }
      )
    }
    return registry.getModelVersion(model, newest.version)
  }
  throw new ConfigurationError(
    `is '${spec}'; use a version number, latest, alias:<name>, stage:<Stage> or run:<run_id>`,
    { field: 'version' }
  )
}
