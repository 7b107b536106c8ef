import { approvedLogins } from '../../audit/format.js'
import type { TargetRow } from '../../reconcile/reconcile.js'
import { reconcileModel } from '../../reconcile/reconcile.js'
import { loadVerifiedEntries } from '../../reconcile/audit-source.js'
import { DEFAULT_TAG_PREFIX } from '../../promotion/tags.js'
import { positionals } from '../args.js'
import { auditTrust } from '../audit-trust.js'
import { auditPath, mlflowClient, policyFor, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable, shorten, type Cell } from '../table.js'

/** One target as `status` reports it. */
export interface StatusTarget {
  kind: 'stage' | 'alias'
  target: string
  version: string | null
  audited_version: string | null
  drift: boolean
  since: string | null
  promoted_by: string | null
  approved_by: string[]
  reason: string | null
  run_url: string | null
  lock_sha256: string | null
  model_md5: string | null
  /** Where the promotion facts come from: the audit log, promote-model's version tags, or neither. */
  source: 'audit-log' | 'tags' | 'none'
  audit_seq: number | null
  registry_last_updated: string | null
  registry_user: string | null
}

const orNull = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null

/**
 * The facts come from the audit entry that put the version there when the registry agrees with
 * the log; on drift the log's entry is about another version, so only the registry (and the tags
 * promote-model wrote on the version, if any) can say anything.
 */
export function statusTarget(row: TargetRow): StatusTarget {
  const registryUpdated =
    row.lastUpdatedTimestamp === null ? null : new Date(row.lastUpdatedTimestamp).toISOString()
  const base = {
    kind: row.target.kind,
    target: row.target.name,
    version: row.registryVersion,
    audited_version: row.auditedVersion,
    drift: !row.inSync,
    audit_seq: null as number | null,
    registry_last_updated: registryUpdated,
    registry_user: row.userId
  }
  const entry = row.entry
  if (row.inSync && entry && row.registryVersion !== null) {
    return {
      ...base,
      since: orNull(entry.ts),
      promoted_by: orNull(entry.actor),
      approved_by: Array.isArray(entry.approvals) ? approvedLogins(entry.approvals) : [],
      reason: orNull(entry.reason),
      run_url: orNull(entry.run_url),
      lock_sha256: orNull(entry.lineage?.lock_sha256),
      model_md5: orNull(entry.lineage?.model_md5),
      source: 'audit-log',
      audit_seq: typeof entry.seq === 'number' ? entry.seq : null
    }
  }
  const tags = new Map((row.holder?.tags ?? []).map(t => [t.key, t.value]))
  const tag = (name: string): string | null => orNull(tags.get(`${DEFAULT_TAG_PREFIX}${name}`))
  const promotedBy = tag('promoted_by')
  return {
    ...base,
    since: tag('promoted_at') ?? registryUpdated,
    promoted_by: promotedBy,
    approved_by: (tag('approved_by') ?? '').split(',').filter(a => a !== ''),
    reason: null,
    run_url: tag('run_url'),
    lock_sha256: null,
    model_md5: null,
    source: promotedBy ? 'tags' : 'none'
  }
}

function cells(t: StatusTarget): Cell[] {
  const drift: Cell = t.drift
    ? { text: `DRIFT (audit log: ${t.audited_version ?? 'none'})`, tone: 'red' }
    : { text: 'ok', tone: 'green' }
  return [
    `${t.kind} ${t.target}`,
    t.version ?? '-',
    (t.since ?? '').replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    t.promoted_by ?? '',
    t.approved_by.join(','),
    shorten(t.reason ?? '', 40),
    t.run_url ?? '',
    (t.lock_sha256 ?? '').slice(0, 12),
    t.model_md5 ?? '',
    drift
  ]
}

/** `status <model>`: which version holds each stage and alias, who put it there, and whether the log agrees. */
export async function statusCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model] = positionals(ctx.args, ['model'], 1) as [string]
  const file = auditPath(ctx)
  const entries = await loadVerifiedEntries(file.full, file.label, auditTrust(ctx))
  const registry = mlflowClient(ctx)
  const rows = await reconcileModel(model, entries, { registry, policyFor: policyFor(ctx) })
  const targets = rows.map(statusTarget)
  const drift = targets.filter(t => t.drift).length
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        { model, registry: registry.server, audit_file: file.label, in_sync: drift === 0, targets },
        null,
        2
      )
    )
  } else {
    const table = renderTable(
      [
        'TARGET',
        'VERSION',
        'SINCE',
        'PROMOTED BY',
        'APPROVED BY',
        'REASON',
        'RUN',
        'LOCK SHA256',
        'MODEL MD5',
        'AUDIT'
      ],
      targets.map(cells),
      ctx.style
    )
    const headline =
      drift === 0
        ? ctx.style.paint(`${model}: every stage and alias holds what ${file.label} says.`, 'green')
        : ctx.style.paint(
            `${model}: ${drift} target(s) changed outside the audit trail; run 'model-governance reconcile' for details.`,
            'red'
          )
    ctx.out(`${table}\n\n${headline}`)
  }
  return drift === 0 ? EXIT.ok : EXIT.problem
}
