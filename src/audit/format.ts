import { createHash } from 'node:crypto'
import type { AuditApproval, AuditEntry } from './entry.js'
import { CONTROL_CHARACTERS, oneLine } from '../core/text-safety.js'

/**
 * AUDIT.log format v1 (see audit-log/README.md): one JSON object per line, each line ending in
 * '\n'; `prev` is the SHA-256 of the previous line's exact bytes without its '\n'.
 */
export const FORMAT_VERSION = 1
export const GENESIS_PREV = '0'.repeat(64)
export const REASON_LIMIT = 2000

/** The events append mode records; 'drift-detected' in AUDIT_EVENTS is written by reconcile only. */
export const APPEND_EVENTS = [
  'promote',
  'rollback',
  'gate-failed',
  'lineage-failed',
  'approval-rejected',
  'error'
] as const

/** Every key a v1 line must carry, in the order this writer emits them. */
export const REQUIRED_KEYS = [
  'v',
  'seq',
  'prev',
  'ts',
  'event',
  'outcome',
  'model',
  'version',
  'from',
  'to',
  'previous_version',
  'actor',
  'triggered_by',
  'approvals',
  'reason',
  'repository',
  'run_id',
  'run_attempt',
  'run_url',
  'workflow_ref',
  'git_commit',
  'lineage',
  'metrics',
  'gates',
  'registry'
] as const

/** An entry before it is placed in the chain: seq and prev are assigned on each attempt. */
export type EntryFields = Omit<KnownKeys<AuditEntry>, 'v' | 'seq' | 'prev'>

/** AuditEntry without its index signature (Omit over an index signature would drop every named key). */
type KnownKeys<T> = { [K in keyof T as string extends K ? never : K]: T[K] }

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Cuts to `limit` code points (never splitting a surrogate pair), so "2,000 characters" means
 * what a reader counts, not UTF-16 units.
 */
export function truncateCodePoints(
  text: string,
  limit: number
): { text: string; truncated: boolean; length: number } {
  const points = Array.from(text)
  if (points.length <= limit) return { text, truncated: false, length: points.length }
  return { text: points.slice(0, limit).join(''), truncated: true, length: points.length }
}

/**
 * JSON.stringify escapes U+0000-U+001F but leaves DEL, the C1 controls and U+2028/U+2029 raw;
 * some line splitters (Python's str.splitlines, JavaScript engines before ES2019) treat those as
 * line breaks, so an independent verifier could miscount lines. Escaping them keeps one event
 * per line. The class is text-safety's controls: on JSON.stringify's output it finds exactly
 * those (no raw C0 is left), so lines are byte for byte what they were. Bidi controls are not
 * escaped: the line format stays as it is, and readers neutralise them when they print.
 */
const LINE_BREAKERS = new RegExp(`[${CONTROL_CHARACTERS}]`, 'g')
function escapeLineBreakers(json: string): string {
  return json.replace(LINE_BREAKERS, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The canonical line (without '\n'): fixed key order, no whitespace, line breakers escaped. */
export function formatLine(fields: EntryFields, seq: number, prev: string): string {
  const ordered: Record<string, unknown> = { v: FORMAT_VERSION, seq, prev }
  const source = fields as unknown as Record<string, unknown>
  for (const key of REQUIRED_KEYS) if (!(key in ordered)) ordered[key] = source[key]
  for (const [key, value] of Object.entries(source)) if (!(key in ordered)) ordered[key] = value
  return escapeLineBreakers(JSON.stringify(ordered))
}

export function approvedLogins(approvals: AuditApproval[]): string[] {
  return [...new Set(approvals.filter(a => a.state === 'approved').map(a => a.login))]
}

/** Approvers for people to read: `alice (data-science-lead)` when the review carries its role. */
export function approvalLabels(approvals: AuditApproval[]): string[] {
  return [
    ...new Set(
      approvals
        .filter(a => a.state === 'approved')
        .map(a => (typeof a.role === 'string' && a.role ? `${a.login} (${a.role})` : a.login))
    )
  ]
}

/** `Audit: <event> <model> v<version> <from>→<to> by <actor> (approved by <logins>)`, on one line. */
export function commitMessage(fields: EntryFields): string {
  const logins = approvedLogins(fields.approvals)
  const text =
    `Audit: ${fields.event} ${fields.model} v${fields.version} ${fields.from}→${fields.to} ` +
    `by ${fields.actor || 'unknown'} (approved by ${logins.length > 0 ? logins.join(', ') : 'none'})`
  return oneLine(text)
}
