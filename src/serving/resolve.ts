import type { AuditEntry } from '../audit/entry.js'
import type { ModelVersion } from '../mlflow/index.js'
import type { Policy } from '../policy/index.js'
import { holderTimeline } from '../provenance/timeline.js'
import { versionRecord, type RecordedLineage } from '../provenance/version-record.js'
import { reconcileModel } from '../reconcile/reconcile.js'
import type { RegistryReader } from '../reconcile/registry-state.js'
import { resolveTargetSpec, targetKey, type Target } from '../reconcile/targets.js'
import { oneLine } from '../core/text-safety.js'
import { approvedArtifact, type RecordedArtifact } from './approved.js'

export interface ResolveDeps {
  registry: RegistryReader
  /** The effective policy of one model (per-model overrides applied). */
  policyFor: (model: string) => Policy
  /** Verified audit entries (loadVerifiedEntries): the chain and history checks already ran. */
  entries: AuditEntry[]
}

/** What `resolve` found for one target of one model; never printed by the domain. */
export interface ResolveResult {
  model: string
  target: Target
  /** The version the registry holds the target with now; null when nobody holds it. */
  registryVersion: string | null
  /** The version the verified audit trail says holds it; null when it never put one there. */
  auditedVersion: string | null
  /** Registry and trail agree, and someone holds the target: the only case with a `uri`. */
  governed: boolean
  /** Registry and trail agree (both may say nobody). */
  inSync: boolean
  /** `models:/<model>/<version>` of the governed version, else null. */
  uri: string | null
  /** The lineage the trail recorded for the audited version (its own, also after a rollback). */
  lineage: RecordedLineage | null
  /**
   * The approved digest of the audited version's artifact, from its own promotion (also after a
   * rollback); null when the trail recorded none (older entries: the md5 in `lineage` is used).
   */
  approved: RecordedArtifact | null
  /** The seq of the entry that put the audited version on the target. */
  auditSeq: number | null
  /** Why the target has no governed version (drift, or nobody), in a sentence; null when governed. */
  problem: string | null
  /** The registry's record of the holder (its source says where its files are). */
  holder?: ModelVersion
  server: string
}

const show = (version: string | null): string => (version === null ? 'nobody' : `v${version}`)

/**
 * The governed version of one stage or alias: reconcile's comparison, for that one target only
 * (one registry read: get-latest-versions for a stage, the alias GET for an alias), plus the
 * lineage the audit trail recorded for the audited version. Used by `resolve` and by the scale
 * benchmark, once per model.
 */
export async function resolveTarget(
  deps: ResolveDeps,
  model: string,
  target: string | Target
): Promise<ResolveResult> {
  const policy = deps.policyFor(model)
  const wanted = typeof target === 'string' ? resolveTargetSpec(target, policy) : target
  // reconcile's comparison, for this one target: one registry read.
  const [row] = await reconcileModel(model, deps.entries, { ...deps, policyFor: () => policy }, [
    wanted
  ])
  const registryVersion = row!.registryVersion
  const audited = { version: row!.auditedVersion, entry: row!.entry }
  const held = row!.holder
  const inSync = row!.inSync
  const governed = inSync && audited.version !== null
  const seq = audited.entry?.seq
  const label = `${wanted.kind} ${wanted.name} of '${model}'`
  let problem: string | null = null
  if (!inSync) {
    problem =
      `the registry disagrees with the verified audit trail: ${label} is held by ${show(registryVersion)} in ${deps.registry.server}, ` +
      `but the audit trail says ${show(audited.version)}${typeof seq === 'number' ? ` (audit entry seq ${seq})` : ''}. ` +
      `It was changed outside the governed workflow; run 'model-governance reconcile --model ${model}' and restore the audited holder or promote through the workflow`
  } else if (audited.version === null) {
    problem = `${label} has no governed holder: nobody holds it in the registry, and ${trailStory(deps.entries, model, policy, wanted)}; promote one through the workflow first`
  }
  const result: ResolveResult = {
    model,
    target: wanted,
    registryVersion,
    auditedVersion: audited.version,
    governed,
    inSync,
    uri: governed ? `models:/${model}/${audited.version}` : null,
    lineage:
      audited.version === null ? null : versionRecord(deps.entries, model, audited.version).lineage,
    approved:
      audited.version === null ? null : approvedArtifact(deps.entries, model, audited.version),
    auditSeq: typeof seq === 'number' ? seq : null,
    problem,
    server: deps.registry.server
  }
  if (held) result.holder = held
  return result
}

/**
 * What the trail did with a target nobody holds: never put a version there, or put one there that
 * a later entry moved out (promoting v1 from Staging to Production empties Staging). Named by the
 * entries' seq, so the reader can find both lines in the log.
 */
function trailStory(entries: AuditEntry[], model: string, policy: Policy, target: Target): string {
  const spans =
    holderTimeline(entries, model, policy).find(t => targetKey(t.target) === targetKey(target))
      ?.spans ?? []
  const last = spans.length > 0 ? spans[spans.length - 1]! : undefined
  const held = [...spans].reverse().find(s => s.version !== null)
  if (!last || !held || last.version !== null) return 'the audit trail never put a version there'
  const mover = entries.find(e => Number(e.seq) === last.seq)
  // Fields read from the log: one line each, whatever a line of it holds.
  const what = oneLine(
    mover
      ? `${String(mover.event)} of v${String(mover.version)} to ${String(mover.to)}`
      : last.event
  )
  return (
    `the audit trail put v${held.version} there (audit entry seq ${held.seq}, ${held.from}) ` +
    `and moved it out with audit entry seq ${last.seq} (${what}, ${last.from})`
  )
}
