import { readAuditEntries, type AuditEntry } from '../audit/entry.js'
import { VERSION_NUMBER } from '../audit/field-checks.js'
import { verifyBytes } from '../audit/verify.js'
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

function refuse(model: string, move: Move, why: string): never {
  throw new ActionError(
    `Cannot roll back ${moveLabel(move)} of '${model}': ${why}. Promote the version you want explicitly instead. ` +
      'Nothing was changed in the registry.'
  )
}

/**
 * The version that held the target before `current`, from an audit log that verifies: the newest
 * governed move of `current` to the target names it, and an earlier governed move shows it holding
 * the target. Anything less is refused, because whoever can push a branch can write a log.
 */
export async function previousFromAudit(
  bytes: Buffer,
  model: string,
  move: Move,
  current: string
): Promise<string> {
  const chain = await verifyBytes(bytes)
  if (!chain.valid) {
    refuse(
      model,
      move,
      `the audit log does not verify (line ${chain.firstBad?.line ?? '?'} ${chain.firstBad?.reason ?? 'is broken'}), so it cannot say what held it before`
    )
  }
  const moves = readAuditEntries(bytes.toString('utf8')).entries.filter(
    e =>
      e.model === model &&
      e.outcome === 'success' &&
      (e.event === 'promote' || e.event === 'rollback') &&
      entryTargets(e, move)
  )
  let index = -1
  for (let i = moves.length - 1; i >= 0 && index < 0; i--)
    if (String(moves[i]!.version) === current) index = i
  if (index < 0)
    refuse(
      model,
      move,
      `the audit log verifies but records no governed move of version ${current} to it`
    )
  const previous = String(moves[index]!.previous_version ?? '').trim()
  if (!VERSION_NUMBER.test(previous)) {
    refuse(
      model,
      move,
      previous
        ? `the audit log records the previous holder as ${JSON.stringify(previous)}, which is not a version number`
        : `the audit log records no version holding it before version ${current}`
    )
  }
  if (!moves.slice(0, index).some(e => String(e.version) === previous)) {
    refuse(
      model,
      move,
      `the audit log names version ${previous} as the previous holder, but records no governed move of version ${previous} to it`
    )
  }
  return previous
}

/**
 * Finds the version that held the target before the current holder: from the audit log when
 * there is one (it must verify, see previousFromAudit), else from the tags promote-model wrote.
 */
export async function findRollbackTarget(
  model: string,
  state: TargetState,
  currentVersion: ModelVersion | undefined,
  auditLog: Buffer | undefined,
  tagPrefix: string
): Promise<RollbackTarget> {
  const { move } = state
  const current = state.holders[state.holders.length - 1]
  if (!current || !currentVersion) {
    throw new ActionError(
      `Cannot roll back ${moveLabel(move)} of '${model}': no version holds it now. Nothing was changed in the registry.`
    )
  }
  if (auditLog !== undefined) {
    return {
      version: await previousFromAudit(auditLog, model, move, current),
      current,
      source: 'audit log'
    }
  }
  const key = previousTagKey(tagPrefix, move)
  const fromTag = currentVersion.tags.find(t => t.key === key)?.value.trim()
  if (!fromTag)
    refuse(
      model,
      move,
      `version ${current} holds it, there is no audit log, and its tag '${key}' records no previous version`
    )
  if (!VERSION_NUMBER.test(fromTag))
    refuse(
      model,
      move,
      `its tag '${key}' on version ${current} is ${JSON.stringify(fromTag)}, which is not a version number`
    )
  return { version: fromTag, current, source: 'tags' }
}
