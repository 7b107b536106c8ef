import type { AuditEntry } from '../audit/entry.js'
import { levelText, readLevel, type LineageLevel } from '../core/lineage-levels.js'

/** What the trail recorded about the data and model file of one version's promotion. */
export interface RecordedLineage {
  lock_sha256: string
  model_md5: string
  verified: boolean | null
  /**
   * lineage-check's level (1 strongest … 4 no link), as the entry's `lineage.level` records it;
   * null for an entry written before levels existed.
   */
  level: LineageLevel | null
  /** The level in words, or plainly that the entry predates levels (never a guessed level). */
  level_text: string
  /** The entry that recorded it: a rollback records none, so it comes from an earlier promote. */
  seq: number
  git_commit: string
  /**
   * The commit lineage was checked at: the entry's `lineage.commit`, else (entries written before
   * it) the promotion's `git_commit`.
   */
  commit: string
}

/** One governed move of a version, as its audit entry tells it. */
export interface Promotion extends Pick<
  AuditEntry,
  | 'seq'
  | 'ts'
  | 'from'
  | 'to'
  | 'previous_version'
  | 'actor'
  | 'triggered_by'
  | 'approvals'
  | 'reason'
  | 'run_url'
  | 'run_id'
  | 'workflow_ref'
  | 'git_commit'
> {
  /** promote or rollback (an entry's event, read from a file, so kept as text). */
  event: string
  lineage: RecordedLineage | null
  gates: unknown
  metrics: unknown
}

export interface VersionRecord {
  model: string
  version: string
  /** Every entry about this version, failures included (a refused gate is part of its story). */
  events: AuditEntry[]
  /** Its successful promote and rollback entries, oldest first. */
  promotions: Promotion[]
  /** The newest lineage any of its successful promotions recorded; null when none did. */
  lineage: RecordedLineage | null
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

function recordedLineage(entry: AuditEntry): RecordedLineage | null {
  const l = entry.lineage
  if (!l || (text(l.lock_sha256) === '' && text(l.model_md5) === '')) return null
  return {
    lock_sha256: text(l.lock_sha256),
    model_md5: text(l.model_md5),
    verified: typeof l.verified === 'boolean' ? l.verified : null,
    level: readLevel(l.level),
    level_text: levelText(readLevel(l.level)),
    seq: Number(entry.seq),
    git_commit: text(entry.git_commit),
    commit: text(l.commit) || text(entry.git_commit)
  }
}

/**
 * One version's governed history from verified entries. The lineage is the version's own: a
 * rollback to v1 carries no lineage in its entry, but v1's earlier promotion recorded it, and
 * that is what the version is.
 */
export function versionRecord(
  entries: AuditEntry[],
  model: string,
  version: string
): VersionRecord {
  const events = entries.filter(e => e.model === model && String(e.version ?? '') === version)
  const promotions: Promotion[] = events
    .filter(e => e.outcome === 'success' && (e.event === 'promote' || e.event === 'rollback'))
    .map(e => ({
      seq: Number(e.seq),
      ts: text(e.ts),
      event: String(e.event),
      from: text(e.from),
      to: text(e.to),
      previous_version: text(e.previous_version),
      actor: text(e.actor),
      triggered_by: text(e.triggered_by),
      approvals: Array.isArray(e.approvals) ? e.approvals : [],
      reason: text(e.reason),
      run_url: text(e.run_url),
      run_id: text(e.run_id),
      workflow_ref: text(e.workflow_ref),
      git_commit: text(e.git_commit),
      lineage: recordedLineage(e),
      gates: e.gates ?? null,
      metrics: e.metrics ?? null
    }))
  let lineage: RecordedLineage | null = null
  for (const p of promotions) if (p.lineage) lineage = p.lineage
  return { model, version, events, promotions, lineage }
}
