import { approvedLogins } from '../../audit/format.js'
import { createGitRunner } from '../../git/git.js'
import { DEFAULT_TAG_PREFIX } from '../../promotion/tags.js'
import { targetFacts, type TrainingFacts } from '../../provenance/index.js'
import { loadTrail } from '../../reconcile/audit-source.js'
import { countedEntries } from '../../audit/trail.js'
import { requireKnownModels } from '../../reconcile/known-models.js'
import type { TargetRow } from '../../reconcile/reconcile.js'
import { reconcileModel } from '../../reconcile/reconcile.js'
import { positionals } from '../args.js'
import { auditTrust } from '../audit-trust.js'
import { auditPath, mlflowClient, policyFor, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { pickTarget } from './target-choice.js'
import { statusAtCommand } from './status-at.js'
import { statusDetail, statusTable } from './status-view.js'
import { NO_LINEAGE_RECORDED, type StatusTarget } from './status-target.js'
import { existsSync } from 'node:fs'
import path from 'node:path'

export type { StatusTarget } from './status-target.js'

const orNull = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null

/** The facts of the entry (or, without one, of promote-model's tags) that put the version there. */
function promotionFacts(
  row: TargetRow
): Pick<
  StatusTarget,
  'since' | 'promoted_by' | 'approved_by' | 'reason' | 'run_url' | 'source' | 'audit_seq'
> {
  const entry = row.entry
  if (row.inSync && entry && row.registryVersion !== null) {
    return {
      since: orNull(entry.ts),
      promoted_by: orNull(entry.actor),
      approved_by: Array.isArray(entry.approvals) ? approvedLogins(entry.approvals) : [],
      reason: orNull(entry.reason),
      run_url: orNull(entry.run_url),
      source: 'audit-log',
      audit_seq: typeof entry.seq === 'number' ? entry.seq : null
    }
  }
  // On drift the log's entry is about another version: only the registry (and the tags
  // promote-model wrote on the version, if any) can say anything.
  const tags = new Map((row.holder?.tags ?? []).map(t => [t.key, t.value]))
  const tag = (name: string): string | null => orNull(tags.get(`${DEFAULT_TAG_PREFIX}${name}`))
  const promotedBy = tag('promoted_by')
  return {
    since: tag('promoted_at') ?? registryUpdated(row),
    promoted_by: promotedBy,
    approved_by: (tag('approved_by') ?? '').split(',').filter(a => a !== ''),
    reason: null,
    run_url: tag('run_url'),
    source: promotedBy ? 'tags' : 'none',
    audit_seq: null
  }
}

const registryUpdated = (row: TargetRow): string | null =>
  row.lastUpdatedTimestamp === null ? null : new Date(row.lastUpdatedTimestamp).toISOString()

/** Everything status knows about one target, from the registry row, the trail and MLflow's run. */
export function statusTarget(
  row: TargetRow,
  facts: Awaited<ReturnType<typeof targetFacts>>
): StatusTarget {
  const version = row.registryVersion
  const recorded = facts.data.recorded
  return {
    kind: row.target.kind,
    target: row.target.name,
    version,
    audited_version: row.auditedVersion,
    drift: !row.inSync,
    uri: version === null ? null : `models:/${row.model}/${version}`,
    event: facts.event,
    ...promotionFacts(row),
    approvals: facts.approvals,
    lock_sha256: orNull(recorded?.lock_sha256),
    model_md5: orNull(recorded?.model_md5),
    lineage_level: recorded?.level ?? null,
    lineage_level_text: recorded ? recorded.level_text : NO_LINEAGE_RECORDED,
    trained_by: facts.trained,
    data: facts.data,
    commit: facts.commit,
    commit_note: facts.commit_note,
    reproduce: facts.reproduce,
    registry_last_updated: registryUpdated(row),
    registry_user: row.userId
  }
}

/**
 * `status <model> [target]`: which version holds each stage and alias, who trained it, on what
 * data, who approved it, how to reproduce it, and whether the registry agrees with the verified
 * audit trail. `--at` answers for a past instant from the trail alone.
 */
export async function statusCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model, wanted] = positionals(ctx.args, ['model', 'target'], 1) as [string, string?]
  const file = auditPath(ctx)
  const trail = await loadTrail(file.full, file.label, auditTrust(ctx))
  const entries = countedEntries(trail)
  if (ctx.args.at) {
    // The trail is the only source of a past instant: a model it never names is unknown.
    await requireKnownModels([model], entries, undefined, file.label)
    return statusAtCommand(ctx, { model, wanted, entries, file: file.label })
  }
  const registry = mlflowClient(ctx)
  await requireKnownModels([model], entries, registry, file.label)
  const policies = policyFor(ctx)
  const rows = await reconcileModel(model, entries, { registry, policyFor: policies })
  const repository = existsSync(path.join(ctx.root, '.git'))
    ? { git: createGitRunner(ctx.logger), root: ctx.root }
    : undefined
  const trainingCache = new Map<string, Promise<TrainingFacts>>()
  const all = await Promise.all(
    rows.map(async row =>
      statusTarget(
        row,
        await targetFacts(row, entries, {
          registry,
          trainingCache,
          ...(repository ? { repository } : {})
        })
      )
    )
  )
  const targets = wanted === undefined ? all : [pickTarget(all, wanted, model, policies(model))]
  const drift = targets.filter(t => t.drift).length
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        {
          model,
          registry: registry.server,
          audit_file: file.label,
          in_sync: drift === 0,
          targets,
          trust: trail.verdict
        },
        null,
        2
      )
    )
  } else {
    ctx.out(
      wanted === undefined
        ? statusTable(model, targets, file.label, ctx.style)
        : statusDetail(model, targets[0]!, file.label, ctx.style)
    )
  }
  return drift === 0 ? EXIT.ok : EXIT.problem
}
