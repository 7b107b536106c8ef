import {
  AUDIT_EVENTS,
  type AuditApproval,
  type AuditEntry,
  type AuditEvent
} from '../audit/entry.js'
import type { Fact, Link, NotificationMessage, Section } from './message.js'
import { safeUrl } from './links.js'

/** The fields of an AUDIT.log line the outcome message reads (audit-log's `entry` output). */
export type OutcomeEntry = Pick<
  AuditEntry,
  | 'event'
  | 'outcome'
  | 'model'
  | 'version'
  | 'from'
  | 'to'
  | 'previous_version'
  | 'reason'
  | 'repository'
  | 'run_url'
  | 'registry'
> & {
  seq: number | undefined
  approvals: Omit<AuditApproval, 'environments'>[]
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/**
 * Reads audit-log's `entry` output. Only the shape is checked here (the chain is audit-log's
 * business); a line that is not an audit entry is refused with what is wrong.
 */
export function parseOutcomeEntry(
  text: string
): { ok: true; entry: OutcomeEntry } | { ok: false; problem: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, problem: `is not JSON (${(error as Error).message})` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'is not a JSON object (an AUDIT.log line)' }
  const e = value as Record<string, unknown>
  if (!AUDIT_EVENTS.includes(e.event as AuditEvent))
    return {
      ok: false,
      problem: `has no known event (one of ${AUDIT_EVENTS.join(', ')}); pass audit-log's entry output whole`
    }
  if (e.outcome !== 'success' && e.outcome !== 'failure')
    return { ok: false, problem: 'has no outcome (success or failure)' }
  if (typeof e.model !== 'string' || !e.model) return { ok: false, problem: 'has no model' }
  const approvals = Array.isArray(e.approvals)
    ? e.approvals
        .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null)
        .map(a => ({
          login: str(a.login),
          state: str(a.state),
          comment: str(a.comment),
          ...(typeof a.role === 'string' && a.role ? { role: a.role } : {})
        }))
        .filter(a => a.login)
    : []
  return {
    ok: true,
    entry: {
      event: e.event as AuditEvent,
      outcome: e.outcome,
      model: e.model,
      version: str(e.version),
      from: str(e.from),
      to: str(e.to),
      previous_version: str(e.previous_version),
      reason: str(e.reason),
      repository: str(e.repository),
      run_url: str(e.run_url),
      registry: str(e.registry),
      seq: typeof e.seq === 'number' ? e.seq : undefined,
      approvals
    }
  }
}

const EVENT_TITLE: Record<AuditEvent, string> = {
  promote: 'Promoted',
  rollback: 'Rolled back',
  'gate-failed': 'Metric gate failed',
  'lineage-failed': 'Lineage check failed',
  'approval-rejected': 'Approval rejected',
  error: 'Promotion stopped by an error',
  'drift-detected': 'Registry drift detected'
}

/** What the registry holds now, in words, from the event and its outcome. */
export function registryChange(entry: OutcomeEntry): string {
  const v = entry.version ? `v${entry.version}` : 'the version'
  const where = entry.registry ? ` (${entry.registry})` : ''
  if (entry.event === 'drift-detected')
    return `The registry${where} disagrees with AUDIT.log for ${entry.to || 'a stage'}: it holds ${v}, the log says ${entry.previous_version ? `v${entry.previous_version}` : 'another version'}`
  if ((entry.event === 'promote' || entry.event === 'rollback') && entry.outcome === 'success') {
    const replaced = entry.previous_version ? `, replacing v${entry.previous_version}` : ''
    return `${v} is now in ${entry.to}${entry.from ? ` (from ${entry.from})` : ''}${replaced}${where}`
  }
  if (entry.event === 'promote' || entry.event === 'rollback')
    return `The write did not complete: check ${entry.to} in the registry${where} and the run`
  return `Nothing changed in the registry${where}`
}

function approvalLines(entry: OutcomeEntry): string[] {
  return entry.approvals.map(a => {
    const role = a.role ? ` (${a.role})` : ''
    const comment = a.comment.trim() ? `: "${a.comment.trim()}"` : ''
    return `${a.state === 'approved' ? '✅' : a.state === 'rejected' ? '❌' : '•'} ${a.login}${role} ${a.state}${comment}`
  })
}

/** The outcome: the event, who approved, what changed in the registry, and the audit commit. */
export function outcomeMessage(entry: OutcomeEntry, auditCommitUrl?: string): NotificationMessage {
  const facts: Fact[] = [
    { label: 'Model', value: entry.model },
    ...(entry.version ? [{ label: 'Version', value: entry.version }] : []),
    { label: 'Stage', value: entry.to || '–' },
    { label: 'Event', value: `${entry.event} (${entry.outcome})` },
    { label: 'Registry', value: registryChange(entry) }
  ]
  if (entry.reason.trim()) facts.push({ label: 'Justification', value: entry.reason.trim() })
  const approved = entry.approvals.filter(a => a.state === 'approved').map(a => a.login)
  const sections: Section[] = [
    {
      heading:
        entry.approvals.length === 0
          ? 'Reviews: none recorded'
          : `Reviews: approved by ${approved.length > 0 ? approved.join(', ') : 'nobody'}`,
      lines: approvalLines(entry)
    }
  ]
  const links: Link[] = []
  if (auditCommitUrl) links.push({ label: 'Audit commit', url: auditCommitUrl })
  const run = safeUrl(entry.run_url)
  if (run) links.push({ label: 'Workflow run', url: run })
  const version = entry.version ? ` v${entry.version}` : ''
  return {
    kind: 'outcome',
    status: entry.outcome,
    title: `${EVENT_TITLE[entry.event]}: ${entry.model}${version}${entry.to ? ` → ${entry.to}` : ''}`,
    facts,
    sections,
    links,
    data: {
      event: entry.event,
      outcome: entry.outcome,
      model: entry.model,
      version: entry.version,
      from: entry.from,
      to: entry.to,
      previous_version: entry.previous_version,
      reason: entry.reason,
      approved_by: approved,
      approvals: entry.approvals,
      registry_change: registryChange(entry),
      ...(entry.seq === undefined ? {} : { audit_seq: entry.seq }),
      ...(auditCommitUrl ? { audit_commit_url: auditCommitUrl } : {}),
      ...(run ? { run_url: run } : {})
    }
  }
}
