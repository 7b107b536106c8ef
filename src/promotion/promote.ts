import { ActionError, ConfigurationError, errorMessage } from '../core/errors.js'
import type { ModelVersion } from '../mlflow/index.js'
import { checkApprovals, type RoleSignOff } from './approval-check.js'
import { applyMove } from './apply.js'
import { confirmVisible } from './confirm.js'
import { verifyGuard } from './guard.js'
import { checkOrder } from './order.js'
import { resolveVersion } from './resolve-version.js'
import { findRollbackTarget } from './rollback.js'
import { describeTargets, holdsTarget, readTargets, snapshot, type TargetState } from './state.js'
import { previousTagKey, promotionTags } from './tags.js'
import { planTargets } from './targets.js'
import {
  moveLabel,
  type PromotionDeps,
  type PromotionRequest,
  type PromotionResult
} from './types.js'

const UNCHANGED = 'Nothing was changed in the registry.'

/** Adds what the registry looks like to a failure that happened before any write. */
function unchanged(error: unknown): never {
  if (!(error instanceof ActionError) || error.message.includes(UNCHANGED)) throw error
  const Kind = error instanceof ConfigurationError ? ConfigurationError : ActionError
  throw new Kind(`${error.message}. ${UNCHANGED}`, {
    cause: error,
    ...(error.location ? { location: error.location } : {})
  })
}

/** After a failure during or after the writes, says what the registry shows now (or that it could not be read). */
async function stateAfterFailure(
  deps: PromotionDeps,
  req: PromotionRequest,
  states: TargetState[],
  version: string
): Promise<string> {
  try {
    const now = await readTargets(
      deps.registry,
      req.model,
      states.map(s => s.move)
    )
    const done = now.every(s => holdsTarget(s, version))
    const asBefore = now.every((s, i) => s.holders.join() === states[i]!.holders.join())
    const verdict = done
      ? `the promotion of version ${version} was applied`
      : asBefore
        ? 'the registry is as it was before this run'
        : 'the promotion was only partly applied'
    return `Registry now shows: ${describeTargets(now)} (${verdict}).`
  } catch (error) {
    return (
      `The registry state could not be read (${errorMessage(error)}); check ${states.map(s => moveLabel(s.move)).join(' and ')} ` +
      `of '${req.model}' before running again.`
    )
  }
}

/**
 * One governed promotion: resolve → order → compare-and-set → approvals → write → confirm →
 * record. Every check runs before the first write, so a refused promotion changes nothing.
 */
export async function promote(
  req: PromotionRequest,
  deps: PromotionDeps
): Promise<PromotionResult> {
  const { registry, policy, clock, logger } = deps
  const t0 = clock.now()
  const wait = { clock, random: deps.random, timeoutMs: req.timeoutMs }
  let version: ModelVersion
  let states: TargetState[]
  let rollbackFrom: string | undefined
  const targets = planTargets(policy, {
    stage: req.stage,
    alias: req.alias,
    archiveExisting: req.archiveExisting
  })
  const { moves } = targets
  const stageName = targets.stageName ?? ''
  try {
    if (req.rollback) {
      if (req.version)
        throw new ConfigurationError(
          "Inputs 'version' and 'rollback' are both set; rollback finds the version itself, so remove 'version'"
        )
      states = await readTargets(registry, req.model, moves)
      const primary = states[0]!
      const currentHolder = primary.holders[primary.holders.length - 1]
      const current = currentHolder
        ? await registry.getModelVersion(req.model, currentHolder)
        : undefined
      const found = await findRollbackTarget(
        req.model,
        primary,
        current,
        deps.readAuditLog(),
        req.tagPrefix
      )
      logger.info(
        `Rollback: ${moveLabel(primary.move)} is held by version ${found.current}; before it, version ${found.version} held it (from the ${found.source})`
      )
      rollbackFrom = found.current
      version = await resolveVersion(registry, req.model, found.version, wait)
      if (req.expectedPreviousVersion === undefined)
        req = { ...req, expectedPreviousVersion: found.current }
    } else {
      if (!req.version)
        throw new ConfigurationError(
          "Input 'version' is required unless rollback is true; set a version number, latest, alias:<name>, stage:<Stage> or run:<run_id>"
        )
      version = await resolveVersion(registry, req.model, req.version, wait)
      states = await readTargets(registry, req.model, moves)
    }
  } catch (error) {
    unchanged(error)
  }
  const t1 = clock.now()
  const v = version.version
  const pending = states.filter(s => !holdsTarget(s, v))
  const previousByMove = states.map(s => s.holders.filter(h => h !== v).pop())
  const recordedPrevious = moves[0]
    ? version.tags.find(t => t.key === previousTagKey(req.tagPrefix, moves[0]!))?.value
    : undefined
  const previousVersion = pending.length > 0 ? (previousByMove[0] ?? '') : (recordedPrevious ?? '')
  let approvedBy: string[] = []
  let signOffs: RoleSignOff[] = []
  try {
    if (pending.length > 0) {
      // An alias-only move that stands for a policy stage is ordered as that stage.
      const orderName = targets.stageName ?? targets.policyStage?.name
      if (!req.rollback && orderName)
        checkOrder(policy, version, targets.policyStage, orderName, req.allowSkip)
      checkExpected(req, states[0], v)
      if (targets.policyStage?.requires_approval) {
        const guard = await verifyGuard(targets.policyStage, deps, { requireDefaultBranch: true })
        const verdict = await checkApprovals(
          targets.policyStage,
          deps.run,
          deps.github,
          guard.settings
        )
        approvedBy = verdict.counted
        signOffs = verdict.roles
        logger.info(`Approvals for ${targets.policyStage.name}: ${approvedBy.join(', ')}`)
      }
    } else {
      logger.info(
        `Version ${v} of '${req.model}' already holds ${moves.map(moveLabel).join(' and ')}; nothing to write`
      )
    }
  } catch (error) {
    unchanged(error)
  }
  const touched = [v, ...states.flatMap(s => s.holders)]
  const before = await snapshot(registry, req.model, touched).catch(unchanged)
  const t2 = clock.now()
  const base = {
    model: req.model,
    version: v,
    previousVersion,
    stage: stageName,
    aliases: moves.flatMap(m => (m.kind === 'alias' ? [m.alias] : [])),
    modelUri: `models:/${req.model}/${v}`,
    runId: version.run_id ?? '',
    source: version.source ?? '',
    dryRun: req.dryRun,
    rollback: req.rollback,
    moves,
    approvedBy,
    signOffs,
    before
  }
  const archivedVersions = pending.flatMap(s =>
    s.move.kind === 'stage' && s.move.archiveExisting ? s.holders.filter(h => h !== v) : []
  )
  if (req.dryRun || pending.length === 0) {
    if (req.dryRun)
      logger.info(
        `Dry run: would ${pending.length ? pending.map(s => `move ${moveLabel(s.move)} to version ${v}`).join(', then ') : 'change nothing'}`
      )
    const total = clock.now() - t0
    return {
      ...base,
      archivedVersions: req.dryRun ? archivedVersions : [],
      changed: false,
      propagationMs: 0,
      after: before,
      timings: {
        resolveMs: t1 - t0,
        checksMs: t2 - t1,
        writeMs: 0,
        propagationMs: 0,
        totalMs: total
      }
    }
  }

  let written = false
  let writeMs: number
  let propagationMs: number
  try {
    for (const state of pending) {
      logger.info(
        `Moving ${moveLabel(state.move)} of '${req.model}' to version ${v}${state.holders.length ? ` (held by ${state.holders.join(', ')})` : ''}`
      )
      written = true
      await applyMove(registry, req.model, v, state.move)
    }
    const t3 = clock.now()
    writeMs = t3 - t2
    const confirmed = await confirmVisible(registry, req.model, v, pending, version.current_stage, {
      clock,
      random: deps.random,
      timeoutMs: Math.max(0, req.timeoutMs - (t3 - t0)),
      consistentReads: req.consistentReads
    })
    propagationMs = confirmed.elapsedMs
    logger.info(`Confirmed in ${propagationMs} ms (${confirmed.reads} reads)`)
    const tags = promotionTags(
      req.tagPrefix,
      {
        moves: pending.map(s => s.move),
        previousByMove: pending.map(s => s.holders.filter(h => h !== v).pop()),
        previousVersion,
        approvedBy,
        signOffs,
        rollback: req.rollback,
        at: new Date(clock.now())
      },
      deps.run
    )
    // MLflow has no batch tag call for versions; the writes are independent, so they go out together.
    await Promise.all(
      Object.entries(tags).map(([key, value]) =>
        registry.setModelVersionTag(req.model, v, key, value)
      )
    )
  } catch (error) {
    if (!written) unchanged(error)
    const Kind = error instanceof ConfigurationError ? ConfigurationError : ActionError
    throw new Kind(
      `${errorMessage(error).replace(/\.$/, '')}. ${await stateAfterFailure(deps, req, pending, v)}`,
      { cause: error }
    )
  }
  const after = await snapshot(registry, req.model, touched).catch(() => before)
  if (rollbackFrom) logger.info(`Rolled back from version ${rollbackFrom} to ${v}`)
  return {
    ...base,
    archivedVersions,
    changed: true,
    propagationMs,
    after,
    timings: {
      resolveMs: t1 - t0,
      checksMs: t2 - t1,
      writeMs,
      propagationMs,
      totalMs: clock.now() - t0
    }
  }
}

/**
 * Compare-and-set: the approver approved replacing a given version, not whatever holds the
 * target now. It applies to the primary target (the stage move first, else the alias), the one
 * whose holder the `previous-version` output reports: in `both` mode a stage's alias can still
 * point at a version that has moved on (an alias is not archived), so one expected value cannot
 * stand for every move.
 */
function checkExpected(
  req: PromotionRequest,
  primary: TargetState | undefined,
  version: string
): void {
  const expected = req.expectedPreviousVersion?.trim()
  if (!expected || !primary || holdsTarget(primary, version)) return
  const wanted = expected.toLowerCase() === 'none' ? [] : [String(Number(expected))]
  const holders = primary.holders.filter(h => h !== version)
  if (holders.join() !== wanted.join()) {
    throw new ActionError(
      `expected-previous-version is ${expected}, but ${moveLabel(primary.move)} of '${req.model}' is now held by ` +
        `${holders.length ? `version ${holders.join(', ')}` : 'no version'}; the approval was for replacing ${expected}. ` +
        'Review the change again and set expected-previous-version to the current holder'
    )
  }
}
