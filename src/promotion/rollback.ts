import { readAuditEntries, type AuditEntry } from '../audit/entry.js'
import { ActionError } from '../core/errors.js'
import type { ModelVersion } from '../mlflow/index.js'
import { previousTagKey } from './tags.js'
import type { TargetState } from './state.js'
import { moveLabel, type Move } from './types.js'

export interface RollbackTarget {
  /** The version to give the target back to. */
  version: string
  /** The version holding it now. */
  current: string
  source: 'audit log' | 'tags'
}

/** Audit entries name the target as `Production`, `stage:Production`, `champion` or `alias:champion`. */
function entryTargets(entry: AuditEntry, move: Move): boolean {
  const to = String(entry.to ?? '')
    .trim()
    .toLowerCase()
  const names =
    move.kind === 'stage'
      ? [move.stage, `stage:${move.stage}`]
      : [move.alias, `alias:${move.alias}`]
  return names.some(n => n.toLowerCase() === to)
}

/** The newest successful promotion of `current` to the target, as the audit log recorded it. */
export function previousFromAudit(
  text: string,
  model: string,
  move: Move,
  current: string
): string | undefined {
  const { entries } = readAuditEntries(text)
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!
    if (entry.model !== model || entry.outcome !== 'success') continue
    if (entry.event !== 'promote' && entry.event !== 'rollback') continue
    if (String(entry.version) !== current || !entryTargets(entry, move)) continue
    return String(entry.previous_version ?? '').trim() || undefined
  }
  return undefined
}

/**
 * Finds the version that held the target before the current holder: from the workspace's audit
 * log when it records the current holder's promotion, else from the tags this action wrote.
 */
export function findRollbackTarget(
  model: string,
  state: TargetState,
  currentVersion: ModelVersion | undefined,
  auditText: string | undefined,
  tagPrefix: string
): RollbackTarget {
  const { move } = state
  const current = state.holders[state.holders.length - 1]
  if (!current || !currentVersion) {
    throw new ActionError(
      `Cannot roll back ${moveLabel(move)} of '${model}': no version holds it now. Nothing was changed in the registry.`
    )
  }
  const fromAudit = auditText ? previousFromAudit(auditText, model, move, current) : undefined
  if (fromAudit) return { version: fromAudit, current, source: 'audit log' }
  const key = previousTagKey(tagPrefix, move)
  const fromTag = currentVersion.tags.find(t => t.key === key)?.value.trim()
  if (fromTag) return { version: fromTag, current, source: 'tags' }
  throw new ActionError(
    `Cannot roll back ${moveLabel(move)} of '${model}': version ${current} holds it, and neither the audit log ` +
      `nor its tag '${key}' records a previous version. Promote the version you want explicitly instead. ` +
      'Nothing was changed in the registry.'
  )
}
