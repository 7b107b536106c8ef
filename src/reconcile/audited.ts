import type { AuditEntry } from '../audit/entry.js'
import type { Policy } from '../policy/index.js'
import { entryMoves, targetKey, type Target } from './targets.js'

/** What the audit log says about one target: who should hold it, and the entry that put it there. */
export interface AuditedHolder {
  /** The version that should hold the target; null when the log moved it away (or never there). */
  version: string | null
  /** The newest successful entry that set this target, when one did. */
  entry?: AuditEntry
}

/** Events that change who holds a target; gate failures, errors and drift records change nothing. */
const MOVING_EVENTS = new Set(['promote', 'rollback'])

const ACTIVE_STAGES = new Set(['Staging', 'Production'])

const byNumber = (a: string, b: string): number => Number(a) - Number(b) || a.localeCompare(b)

/**
 * Replays one model's successful promote and rollback entries, in file order, the way the
 * registry applied them: a version is in one stage at a time, so moving it to Production takes
 * it out of Staging; a move to Staging or Production archives the stage's other versions
 * (promote-model's default, archive-existing: true); an alias points at one version.
 * `drift-detected` entries are skipped on purpose: recording a finding must not make the
 * out-of-band state look audited. Stateful so a timeline can ask who held what after each entry.
 */
export class HolderReplay {
  private readonly stageOf = new Map<string, { stage: string; entry: AuditEntry }>()
  private readonly aliasOf = new Map<string, { version: string; entry: AuditEntry }>()
  private readonly touched = new Map<string, Target>()

  constructor(
    private readonly model: string,
    private readonly policy: Policy
  ) {}

  /** Applies one entry; false when it moves nothing (another model, a failure, a gate event). */
  apply(entry: AuditEntry): boolean {
    if (
      entry.model !== this.model ||
      entry.outcome !== 'success' ||
      !MOVING_EVENTS.has(String(entry.event))
    )
      return false
    const version = String(entry.version ?? '').trim()
    if (version === '') return false
    const moves = entryMoves(String(entry.to ?? ''), this.policy)
    for (const move of moves) {
      this.touched.set(targetKey(move), move)
      if (move.kind === 'alias') {
        this.aliasOf.set(move.name, { version, entry })
        continue
      }
      if (ACTIVE_STAGES.has(move.name)) {
        for (const [other, held] of this.stageOf) {
          if (other !== version && held.stage === move.name)
            this.stageOf.set(other, { stage: 'Archived', entry })
        }
      }
      this.stageOf.set(version, { stage: move.name, entry })
    }
    return moves.length > 0
  }

  /** Every target some applied entry moved, in first-seen order. */
  targets(): Target[] {
    return [...this.touched.values()]
  }

  /** Who holds each touched target now, by target key. */
  holders(): Map<string, AuditedHolder> {
    const holders = new Map<string, AuditedHolder>()
    for (const [key, target] of this.touched) {
      if (target.kind === 'alias') {
        const held = this.aliasOf.get(target.name)!
        holders.set(key, { version: held.version, entry: held.entry })
        continue
      }
      // get-latest-versions answers the highest version in a stage, so that is what is compared.
      const inStage = [...this.stageOf]
        .filter(([, held]) => held.stage === target.name)
        .map(([v]) => v)
        .sort(byNumber)
      const top = inStage[inStage.length - 1]
      holders.set(
        key,
        top ? { version: top, entry: this.stageOf.get(top)!.entry } : { version: null }
      )
    }
    return holders
  }
}

/** The holders after every entry (see HolderReplay), and every target the entries moved. */
export function auditedHolders(
  entries: AuditEntry[],
  model: string,
  policy: Policy
): {
  holders: Map<string, AuditedHolder>
  /** Every target some entry of this model moved, in first-seen order. */
  touched: Target[]
} {
  const replay = new HolderReplay(model, policy)
  for (const entry of entries) replay.apply(entry)
  return { holders: replay.holders(), touched: replay.targets() }
}

/** Models named by any entry, in first-seen order. */
export function auditedModels(entries: AuditEntry[]): string[] {
  return [...new Set(entries.map(e => String(e.model ?? '')).filter(m => m !== ''))]
}
