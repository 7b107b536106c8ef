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
  /**
   * The digest recorded when the version to restore was promoted to this target (its own
   * promotion's audit entry), when that entry has one: a rollback restores those bytes.
   */
  recorded?: RecordedArtifact
}

/** An approved digest as an earlier promotion recorded it. */
export interface RecordedArtifact {
  digest: string
  files: number
  uri: string
  /** Where it was recorded, for messages: "audit line 12 (2026-11-26T06:00:00.000Z)". */
  from: string
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
 * The audit entries a rollback believes for one target of one model, oldest first: successful
 * promote and rollback entries of a log whose chain verifies. This is the one place that decides
 * which entries to trust (issue "Trust" swaps it for the GitHub-backed reader); everything the
 * rollback takes from the log (the version to restore, the digest of its own promotion) comes
 * from what it returns.
 */
export async function trustedMoves(
  bytes: Buffer,
  model: string,
  move: Move
): Promise<{ entry: AuditEntry; line: number }[]> {
  const chain = await verifyBytes(bytes)
  if (!chain.valid) {
    refuse(
      model,
      move,
      `the audit log does not verify (line ${chain.firstBad?.line ?? '?'} ${chain.firstBad?.reason ?? 'is broken'}), so it cannot say what held it before`
    )
  }
  // A verified chain has one JSON object per line, so an entry's index is its line.
  return readAuditEntries(bytes.toString('utf8'))
    .entries.map((entry, i) => ({ entry, line: i + 1 }))
    .filter(
      ({ entry: e }) =>
        e.model === model &&
        e.outcome === 'success' &&
        (e.event === 'promote' || e.event === 'rollback') &&
        entryTargets(e, move)
    )
}

/** The entry's artifact digest, when it records a well-formed one. */
function recordedArtifact(entry: AuditEntry, line: number): RecordedArtifact | undefined {
  const a = entry.artifact
  if (!a || typeof a !== 'object' || typeof a.digest !== 'string') return undefined
  if (!/^sha256:[0-9a-f]{64}$/.test(a.digest)) return undefined
  return {
    digest: a.digest,
    files: typeof a.files === 'number' ? a.files : 0,
    uri: typeof a.uri === 'string' ? a.uri : '',
    from: `audit line ${line} (${String(entry.ts)})`
  }
}

/**
 * The version that held the target before `current`, from an audit log that verifies: the newest
 * governed move of `current` to the target names it, and an earlier governed move shows it holding
 * the target (that move's digest is what a rollback restores). Anything less is refused, because
 * whoever can push a branch can write a log.
 */
export async function rollbackFromAudit(
  bytes: Buffer,
  model: string,
  move: Move,
  current: string
): Promise<{ version: string; recorded?: RecordedArtifact }> {
  const moves = await trustedMoves(bytes, model, move)
  let index = -1
  for (let i = moves.length - 1; i >= 0 && index < 0; i--)
    if (String(moves[i]!.entry.version) === current) index = i
  if (index < 0)
    refuse(
      model,
      move,
      `the audit log verifies but records no governed move of version ${current} to it`
    )
  const previous = String(moves[index]!.entry.previous_version ?? '').trim()
  if (!VERSION_NUMBER.test(previous)) {
    refuse(
      model,
      move,
      previous
        ? `the audit log records the previous holder as ${JSON.stringify(previous)}, which is not a version number`
        : `the audit log records no version holding it before version ${current}`
    )
  }
  const own = moves
    .slice(0, index)
    .filter(m => String(m.entry.version) === previous)
    .pop()
  if (!own) {
    refuse(
      model,
      move,
      `the audit log names version ${previous} as the previous holder, but records no governed move of version ${previous} to it`
    )
  }
  const recorded = recordedArtifact(own.entry, own.line)
  return recorded ? { version: previous, recorded } : { version: previous }
}

/** The version to restore, from the audit log (see rollbackFromAudit). */
export async function previousFromAudit(
  bytes: Buffer,
  model: string,
  move: Move,
  current: string
): Promise<string> {
  return (await rollbackFromAudit(bytes, model, move, current)).version
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
    const found = await rollbackFromAudit(auditLog, model, move, current)
    return { ...found, current, source: 'audit log' }
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
