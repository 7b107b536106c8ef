import type { AuditEntry } from '../audit/entry.js'
import { VERSION_NUMBER } from '../audit/field-checks.js'
import type { Trail } from '../audit/trail.js'
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
  /** The trust statement of the audit log read (which checks ran, which could not). */
  trust?: string
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
 * The version that held the target before `current` (and the digest of its own promotion), from
 * the trail as the one trusted reader
 * (src/audit/trail.ts) judges it: the chain must verify, and only entries that pass every check
 * that ran count (a line the history or GitHub check refuses never steers a rollback). The newest
 * counted move of `current` to the target names the previous holder, and an earlier counted move
 * must show it holding the target. Anything less is refused, because whoever can push a branch
 * can write a log.
 */
export function rollbackFromAudit(
  trail: Trail,
  model: string,
  move: Move,
  current: string
): { version: string; recorded?: RecordedArtifact } {
  const chain = trail.report.chain
  if (!chain.valid) {
    refuse(
      model,
      move,
      `the audit log does not verify (line ${chain.firstBad?.line ?? '?'} ${chain.firstBad?.reason ?? 'is broken'}), so it cannot say what held it before`
    )
  }
  // The root of trust is GitHub's record (issue "Trust"): the chain and the git history cannot
  // tell a line a writer forged under the suite's name from a genuine one, so without GitHub's
  // record of the runs no line may choose what a governed rollback restores.
  if (trail.verdict.github.state === 'not-available') {
    refuse(
      model,
      move,
      `GitHub's record of the runs was not read (${trail.verdict.github.note}), and only an entry that GitHub's record backs may choose the version to restore; give promote-model a github-token with actions: read`
    )
  }
  const relevant = trail.entries.filter(
    ({ entry: e }) =>
      e.model === model &&
      e.outcome === 'success' &&
      (e.event === 'promote' || e.event === 'rollback') &&
      entryTargets(e, move)
  )
  const left = relevant.filter(e => !e.counted)
  const ignored =
    left.length > 0
      ? ` (${left.length} move(s) not counted: ${left
          .slice(0, 3)
          .map(e => `line ${e.line} ${e.why}`)
          .join('; ')})`
      : ''
  const counted = relevant.filter(e => e.counted)
  const moves: AuditEntry[] = counted.map(e => e.entry)
  let index = -1
  for (let i = moves.length - 1; i >= 0 && index < 0; i--)
    if (String(moves[i]!.version) === current) index = i
  if (index < 0)
    refuse(
      model,
      move,
      `the audit log verifies but records no counted move of version ${current} to it${ignored}`
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
  // The previous holder's own promotion: its digest is what a rollback restores.
  const own = counted
    .slice(0, index)
    .filter(e => String(e.entry.version) === previous)
    .pop()
  if (!own) {
    refuse(
      model,
      move,
      `the audit log names version ${previous} as the previous holder, but records no counted move of version ${previous} to it${ignored}`
    )
  }
  const recorded = recordedArtifact(own.entry, own.line)
  return recorded ? { version: previous, recorded } : { version: previous }
}

/** The version to restore, from the trail (see rollbackFromAudit). */
export function previousFromAudit(
  trail: Trail,
  model: string,
  move: Move,
  current: string
): string {
  return rollbackFromAudit(trail, model, move, current).version
}

/**
 * Finds the version that held the target before the current holder: from the audit log when
 * there is one (read by the trusted reader, see previousFromAudit), else from the tags promote-model wrote.
 */
export function findRollbackTarget(
  model: string,
  state: TargetState,
  currentVersion: ModelVersion | undefined,
  auditLog: Trail | undefined,
  tagPrefix: string
): RollbackTarget {
  const { move } = state
  const current = state.holders[state.holders.length - 1]
  if (!current || !currentVersion) {
    throw new ActionError(
      `Cannot roll back ${moveLabel(move)} of '${model}': no version holds it now. Nothing was changed in the registry.`
    )
  }
  if (auditLog !== undefined) {
    return {
      ...rollbackFromAudit(auditLog, model, move, current),
      current,
      source: 'audit log',
      trust: auditLog.verdict.statement
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
