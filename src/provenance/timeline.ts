import type { AuditEntry } from '../audit/entry.js'
import type { Policy } from '../policy/index.js'
import { HolderReplay } from '../reconcile/audited.js'
import { mergeTargets, policyTargets, targetKey, type Target } from '../reconcile/targets.js'

/** One stretch of time during which the audit trail says one version held a target. */
export interface HolderSpan {
  /** null: the trail moved the target away (a stage archived out from under its holder). */
  version: string | null
  /** The `ts` of the entry that started the span. */
  from: string
  /** The `ts` of the entry that ended it; null while it lasts. */
  until: string | null
  seq: number
  event: string
  actor: string
}

export interface TargetTimeline {
  target: Target
  spans: HolderSpan[]
}

/**
 * Who held each stage and alias of one model, and when, replayed from verified audit entries
 * with the same rules reconcile uses (HolderReplay), so a point-in-time answer and today's drift
 * check can never disagree about the present. The policy's targets come first, even if no entry
 * ever moved them (an empty timeline is an answer too: "nobody, as far as the trail knows").
 */
export function holderTimeline(
  entries: AuditEntry[],
  model: string,
  policy: Policy
): TargetTimeline[] {
  const replay = new HolderReplay(model, policy)
  const spans = new Map<string, HolderSpan[]>()
  for (const entry of entries) {
    if (!replay.apply(entry)) continue
    for (const [key, holder] of replay.holders()) {
      const list = spans.get(key) ?? []
      const open = list[list.length - 1]
      if (open && open.version === holder.version) continue
      if (open) open.until = String(entry.ts)
      list.push({
        version: holder.version,
        from: String(entry.ts),
        until: null,
        seq: Number(entry.seq),
        event: String(entry.event),
        actor: String(entry.actor ?? '')
      })
      spans.set(key, list)
    }
  }
  return mergeTargets(policyTargets(policy), replay.targets()).map(target => ({
    target,
    spans: spans.get(targetKey(target)) ?? []
  }))
}

/** What one target held at `at` by the trail; `span` is null before its first governed move. */
export interface HolderAt {
  target: Target
  version: string | null
  span: HolderSpan | null
}

/**
 * The holder of each target at an instant. A span holds from its entry's `ts` (inclusive) to the
 * next one's (exclusive): at the very second of a promotion the new version is the holder.
 */
export function holdersAt(timelines: TargetTimeline[], at: Date): HolderAt[] {
  const t = at.getTime()
  return timelines.map(({ target, spans }) => {
    const span =
      spans.find(s => Date.parse(s.from) <= t && (s.until === null || t < Date.parse(s.until))) ??
      null
    return { target, version: span?.version ?? null, span }
  })
}
