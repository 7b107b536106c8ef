import type { AuditEntry } from '../../audit/entry.js'
import { holderTimeline, holdersAt, type HolderSpan } from '../../provenance/index.js'
import { policyFor, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable } from '../table.js'
import { pickTarget } from './target-choice.js'

/** One target at the asked instant, as `status --at` reports it. */
export interface HolderAtTarget {
  kind: 'stage' | 'alias'
  target: string
  version: string | null
  /** The entry whose move made this version the holder, and when the next move ended it. */
  since: string | null
  until: string | null
  event: string | null
  actor: string | null
  audit_seq: number | null
}

const fromSpan = (
  span: HolderSpan | null
): Pick<HolderAtTarget, 'since' | 'until' | 'event' | 'actor' | 'audit_seq'> => ({
  since: span?.from ?? null,
  until: span?.until ?? null,
  event: span?.event ?? null,
  actor: span?.actor || null,
  audit_seq: span?.seq ?? null
})

/**
 * `status <model> [target] --at <time>`: who held each target at that instant, by the verified
 * audit trail alone (no registry is asked: the registry only knows the present). MLflow keeps no
 * history of stages or aliases (mlflow#2169); the trail does.
 */
export function statusAtCommand(
  ctx: CommandContext,
  input: { model: string; wanted: string | undefined; entries: AuditEntry[]; file: string }
): ExitCode {
  const at = ctx.args.at!
  const policy = policyFor(ctx)(input.model)
  const timelines = holderTimeline(input.entries, input.model, policy)
  const all: HolderAtTarget[] = holdersAt(timelines, at).map(h => ({
    kind: h.target.kind,
    target: h.target.name,
    version: h.version,
    ...fromSpan(h.span)
  }))
  const targets =
    input.wanted === undefined ? all : [pickTarget(all, input.wanted, input.model, policy)]
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        { model: input.model, at: at.toISOString(), audit_file: input.file, targets },
        null,
        2
      )
    )
    return EXIT.ok
  }
  const table = renderTable(
    ['TARGET', 'VERSION', 'SINCE', 'UNTIL', 'BY', 'EVENT'],
    targets.map(t => [
      `${t.kind} ${t.target}`,
      t.version ?? '-',
      (t.since ?? '').replace(/\.\d+Z$/, 'Z'),
      t.since === null ? '' : (t.until ?? 'now').replace(/\.\d+Z$/, 'Z'),
      t.actor ?? '',
      t.event ?? (t.since === null ? 'not held by the trail' : '')
    ]),
    ctx.style
  )
  ctx.out(`${input.model} at ${at.toISOString()}, by ${input.file}:\n\n${table}`)
  return EXIT.ok
}
