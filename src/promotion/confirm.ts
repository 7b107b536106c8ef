import { ActionError } from '../core/errors.js'
import type { Clock } from '../core/time.js'
import { MlflowApiError, MlflowUnavailableError } from '../mlflow/index.js'
import { POLL_BACKOFF, waitFor, type Backoff } from '../core/backoff.js'
import { readTargets, type TargetState } from './state.js'
import { moveLabel, type Move, type Registry } from './types.js'

export interface ConfirmOptions {
  clock: Clock
  random: () => number
  timeoutMs: number
  consistentReads: number
  backoff?: Backoff
}

type Verdict =
  { kind: 'target' } | { kind: 'stale'; seen: string } | { kind: 'other'; seen: string }

/**
 * Compares one read with what the move should leave. "stale" is the state before the write (a
 * replica or proxy behind); "other" is neither, i.e. somebody else changed the target meanwhile.
 */
export function judge(
  move: Move,
  version: string,
  before: TargetState,
  stageBefore: string,
  now: TargetState,
  stageNow: string
): Verdict {
  if (move.kind === 'alias') {
    const holder = now.holders[0]
    const seen = holder
      ? `alias '${move.alias}' → version ${holder}`
      : `alias '${move.alias}' not set`
    if (holder === version) return { kind: 'target' }
    if (holder === before.holders[0]) return { kind: 'stale', seen }
    return { kind: 'other', seen }
  }
  const others = now.holders.filter(v => v !== version)
  const seen = `version ${version} in ${stageNow}; ${moveLabel(move)} held by ${now.holders.join(', ') || 'no version'}`
  if (others.some(v => !before.holders.includes(v))) return { kind: 'other', seen }
  if (stageNow === move.stage)
    return !move.archiveExisting || others.length === 0
      ? { kind: 'target' }
      : { kind: 'stale', seen }
  return stageNow === stageBefore ? { kind: 'stale', seen } : { kind: 'other', seen }
}

/** A read that failed for a reason a restart or a flaky proxy explains; polling goes on. */
function transient(error: unknown): boolean {
  return (
    error instanceof MlflowUnavailableError ||
    (error instanceof MlflowApiError && (error.status >= 500 || error.status === 429))
  )
}

/**
 * Polls until every move is seen `consistentReads` times in a row. The first read is immediate and
 * consecutive good reads are not spaced out, so a registry that is already right (OSS MLflow on
 * SQL commits before it answers) costs only the reads.
 */
export async function confirmVisible(
  registry: Registry,
  model: string,
  version: string,
  before: TargetState[],
  stageBefore: string,
  options: ConfirmOptions
): Promise<{ elapsedMs: number; reads: number }> {
  const started = options.clock.now()
  const moves = before.map(b => b.move)
  let reads = 0
  let lastSeen: string | undefined
  /** One read: true when every target shows this promotion; a change nobody asked for throws. */
  const readOnce = async (): Promise<boolean> => {
    try {
      const [now, current] = await Promise.all([
        readTargets(registry, model, moves),
        registry.getModelVersion(model, version)
      ])
      reads++
      const verdicts = moves.map((move, i) =>
        judge(move, version, before[i]!, stageBefore, now[i]!, current.current_stage)
      )
      lastSeen = verdicts
        .map((v, i) => (v.kind === 'target' ? `${moveLabel(moves[i]!)} done` : v.seen))
        .join('; ')
      const other = verdicts.find(v => v.kind === 'other')
      if (other) {
        throw new ActionError(
          `While confirming the promotion of version ${version} of '${model}', the registry showed a change nobody asked ` +
            `this run for: ${lastSeen}. Another promotion or a person changed it meanwhile; check the registry before promoting again`
        )
      }
      return verdicts.every(v => v.kind === 'target')
    } catch (error) {
      if (!transient(error)) throw error
      lastSeen = `a failed read (${error instanceof Error ? error.message : String(error)})`
      return false
    }
  }
  // One look of the poll: consecutive good reads, not spaced out; a miss ends the look, and the
  // poll's backoff spaces the next one.
  const confirmed = await waitFor(
    async () => {
      for (let inARow = 0; inARow < options.consistentReads; inARow++)
        if (!(await readOnce())) return undefined
      return { elapsedMs: options.clock.now() - started, reads }
    },
    {
      clock: options.clock,
      random: options.random,
      timeoutMs: options.timeoutMs,
      backoff: options.backoff ?? POLL_BACKOFF
    }
  )
  if (confirmed) return confirmed
  throw new ActionError(
    `The registry did not show the promotion of version ${version} of '${model}' ${options.consistentReads} times in a row ` +
      `within ${Math.round(options.timeoutMs / 1000)} s (timeout-seconds); last seen: ${lastSeen ?? 'nothing'}`
  )
}
