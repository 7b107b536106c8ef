import type { AuditEntry } from '../audit/entry.js'
import { mapConcurrent } from '../core/concurrency.js'
import type { ModelVersion } from '../mlflow/index.js'
import type { Policy } from '../policy/index.js'
import { auditedHolders, auditedModels, type AuditedHolder } from './audited.js'
import { readRegistryHolders, type RegistryReader } from './registry-state.js'
import { mergeTargets, policyTargets, targetKey, type Target } from './targets.js'

/** One target of one model: what the registry holds and what the audit log says it should. */
export interface TargetRow {
  model: string
  target: Target
  registryVersion: string | null
  auditedVersion: string | null
  inSync: boolean
  /** The registry's last_updated_timestamp (ms) of the version holding the target now. */
  lastUpdatedTimestamp: number | null
  /** The user MLflow recorded on that version, where it records one (servers with auth). */
  userId: string | null
  /** The newest successful audit entry that set the target. */
  entry?: AuditEntry
  /** The registry's record of the version holding the target now (tags included). */
  holder?: ModelVersion
}

/** A disagreement, in the shape of the `findings` output and the drift-detected record. */
export interface Finding {
  model: string
  kind: 'stage' | 'alias'
  target: string
  registry_version: string | null
  audited_version: string | null
  last_updated_timestamp: number | null
  last_updated: string | null
  user_id: string | null
  audit_seq: number | null
}

export interface ReconcileReport {
  inSync: boolean
  models: string[]
  rows: TargetRow[]
  findings: Finding[]
}

export interface ReconcileDeps {
  registry: RegistryReader
  /** The effective policy of one model (per-model overrides applied). */
  policyFor: (model: string) => Policy
}

/**
 * Compares one model's targets: the policy's targets and every target its audit entries moved,
 * or only `only` when given (resolve asks for one, and reads only its holder).
 */
export async function reconcileModel(
  model: string,
  entries: AuditEntry[],
  deps: ReconcileDeps,
  only?: Target[]
): Promise<TargetRow[]> {
  const policy = deps.policyFor(model)
  const { holders, touched } = auditedHolders(entries, model, policy)
  const targets = only ?? mergeTargets(policyTargets(policy), touched)
  const registry = await readRegistryHolders(deps.registry, model, targets)
  return targets.map(target => {
    const key = targetKey(target)
    const audited: AuditedHolder = holders.get(key) ?? { version: null }
    const held = registry.get(key)
    const registryVersion = held ? held.version : null
    const row: TargetRow = {
      model,
      target,
      registryVersion,
      auditedVersion: audited.version,
      inSync: registryVersion === audited.version,
      lastUpdatedTimestamp: held?.last_updated_timestamp ?? null,
      userId: held?.user_id || null
    }
    if (audited.entry) row.entry = audited.entry
    if (held) row.holder = held
    return row
  })
}

export function toFinding(row: TargetRow): Finding {
  const seq = row.entry?.seq
  return {
    model: row.model,
    kind: row.target.kind,
    target: row.target.name,
    registry_version: row.registryVersion,
    audited_version: row.auditedVersion,
    last_updated_timestamp: row.lastUpdatedTimestamp,
    last_updated:
      row.lastUpdatedTimestamp === null ? null : new Date(row.lastUpdatedTimestamp).toISOString(),
    user_id: row.userId,
    audit_seq: typeof seq === 'number' ? seq : null
  }
}

/**
 * How many models are read from the registry at once. Each model costs one get-latest-versions
 * call plus one alias GET per alias (those run together), so 8 models keep roughly 8 to 24
 * requests in flight: enough to hide the round trip's latency on a registry of a thousand
 * models, few enough that a shared tracking server (its default is 4 uvicorn workers, often
 * behind a rate limit) is not flooded, and well under undici's connection pool.
 */
export const RECONCILE_CONCURRENCY = 8

/**
 * Reconciles every model the audit log names, or only `onlyModels` when given (a model the log
 * never mentions is compared against "nobody should hold any target"). At most
 * RECONCILE_CONCURRENCY models are read at once; rows keep the models' order. Each model is
 * replayed from its own entries only, so the work grows with the log, not log × models.
 */
export async function reconcile(
  entries: AuditEntry[],
  deps: ReconcileDeps,
  onlyModels: string[] = [],
  concurrency = RECONCILE_CONCURRENCY
): Promise<ReconcileReport> {
  const models = onlyModels.length > 0 ? [...new Set(onlyModels)] : auditedModels(entries)
  const byModel = new Map<string, AuditEntry[]>()
  for (const entry of entries) {
    const name = String(entry.model ?? '')
    const list = byModel.get(name)
    if (list) list.push(entry)
    else byModel.set(name, [entry])
  }
  const perModel = await mapConcurrent(models, concurrency, model =>
    reconcileModel(model, byModel.get(model) ?? [], deps)
  )
  const rows = perModel.flat()
  const findings = rows.filter(r => !r.inSync).map(toFinding)
  return { inSync: findings.length === 0, models, rows, findings }
}
