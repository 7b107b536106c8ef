import type { AuditEntry } from '../audit/entry.js'
import { ActionError } from '../core/errors.js'
import { MlflowApiError, type MlflowClient } from '../mlflow/index.js'
import { auditedModels } from './audited.js'

/** Listed in the message at most; the rest are counted. */
const SHOWN = 20

/** A model asked for that neither the registry nor the audit trail knows (exit 1 in the CLI). */
export class UnknownModelError extends ActionError {}

function knownList(names: string[]): string {
  const sorted = [...names].sort()
  const shown = sorted.slice(0, SHOWN).join(', ')
  return sorted.length > SHOWN ? `${shown} and ${sorted.length - SHOWN} more` : shown
}

/**
 * A model name given by hand (reconcile's model list, status, resolve) must exist: in the audit
 * trail, or as a registered model. Otherwise a typo compares "nobody holds anything" with
 * "nobody holds anything" and reports in sync, which is the one answer a drift check must never
 * give by mistake. The error names the models the trail knows, and a match in another case.
 * `registry` undefined: the trail is the only source (status --at).
 */
export async function requireKnownModels(
  models: string[],
  entries: AuditEntry[],
  registry: Pick<MlflowClient, 'getRegisteredModel' | 'server'> | undefined,
  file: string
): Promise<void> {
  const audited = auditedModels(entries)
  const unknown: string[] = []
  for (const model of [...new Set(models)]) {
    if (audited.includes(model)) continue
    if (registry) {
      try {
        await registry.getRegisteredModel(model)
        continue
      } catch (error) {
        if (!(error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST'))
          throw error
      }
    }
    unknown.push(model)
  }
  if (unknown.length === 0) return
  const where = registry ? `in the registry at ${registry.server} nor in ${file}` : `in ${file}`
  const near = unknown
    .map(u => audited.find(a => a.toLowerCase() === u.toLowerCase()))
    .filter((a): a is string => a !== undefined)
  throw new UnknownModelError(
    `${unknown.length === 1 ? 'Model' : 'Models'} ${unknown.map(u => `'${u}'`).join(', ')} ` +
      `${unknown.length === 1 ? 'is' : 'are'} ${registry ? 'neither ' : 'not '}${where}, so there is nothing to compare. ` +
      (near.length > 0 ? `Did you mean ${near.map(n => `'${n}'`).join(', ')}? ` : '') +
      (audited.length > 0
        ? `The models ${file} names: ${knownList(audited)}`
        : `${file} names no model yet`)
  )
}
