import { ActionError, errorMessage, extendError } from '../core/errors.js'
import { phase } from '../core/logger.js'
import type { ModelVersion } from '../mlflow/index.js'
import { ARTIFACT_DIGEST_TAG, type ArtifactDigest } from '../artifacts/index.js'
import { checkApprovals, type RoleSignOff } from './approval-check.js'
import { verifyApprovedBytes, type ApprovedArtifact } from './approved-artifact.js'
import { applyMove } from './apply.js'
import { confirmVisible } from './confirm.js'
import { verifyGuard } from './guard.js'
import { checkOrder } from './order.js'
import { resolveVersion } from './resolve-version.js'
import { findRollbackTarget, type RecordedArtifact } from './rollback.js'
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
  throw extendError(error, UNCHANGED)
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

/** What the plan phase found: the version to move, the targets as they are, and why. */
export interface Plan {
  req: PromotionRequest
  targets: ReturnType<typeof planTargets>
  version: ModelVersion
  states: TargetState[]
  rollbackFrom?: string
  /** For a rollback: the digest recorded when the restored version was promoted to the target. */
  recorded?: RecordedArtifact
}

/**
 * The digest a rollback restores: its own promotion's audit entry; without an audit log, the
 * version's tag. An audit log that records none is not topped up from the tag, which anyone with
 * EDIT on the model can set and which does not say which target it was written for.
 */
function recordedDigest(
  found: { recorded?: RecordedArtifact; source: 'audit log' | 'tags' },
  version: ModelVersion
): RecordedArtifact | undefined {
  if (found.source === 'audit log') return found.recorded
  const tag = version.tags.find(t => t.key === ARTIFACT_DIGEST_TAG)?.value.trim()
  return tag && /^sha256:[0-9a-f]{64}$/.test(tag)
    ? { digest: tag, files: 0, uri: '', from: `the version's tag ${ARTIFACT_DIGEST_TAG}` }
    : undefined
}

/** Plan: which version, which targets, and who holds them now. Reads only. */
export async function planPromotion(req: PromotionRequest, deps: PromotionDeps): Promise<Plan> {
  const { registry, policy, clock, logger } = deps
  const wait = { clock, random: deps.random, timeoutMs: req.timeoutMs }
  const targets = planTargets(policy, {
    stage: req.stage,
    alias: req.alias,
    archiveExisting: req.archiveExisting
  })
  const { moves } = targets
  if (!req.rollback) {
    const version = await resolveVersion(registry, req.model, req.version, wait)
    return { req, targets, version, states: await readTargets(registry, req.model, moves) }
  }
  const states = await readTargets(registry, req.model, moves)
  const primary = states[0]!
  const currentHolder = primary.holders[primary.holders.length - 1]
  const current = currentHolder
    ? await registry.getModelVersion(req.model, currentHolder)
    : undefined
  const found = findRollbackTarget(
    req.model,
    primary,
    current,
    await deps.readAuditTrail(),
    req.tagPrefix
  )
  logger.info(
    `Rollback: ${moveLabel(primary.move)} is held by version ${found.current}; before it, version ${found.version} held it (from the ${found.source})`
  )
  if (found.trust) logger.info(`Rollback: ${found.trust}`)
  // The reviewers approved restoring the version validate showed them; the log may have moved on.
  const approved = req.rollbackVersion?.trim()
  if (approved && String(Number(approved)) !== found.version)
    throw new ActionError(
      `The rollback of ${moveLabel(primary.move)} of '${req.model}' would now restore version ${found.version} ` +
        `(from the ${found.source}), but the reviewers approved restoring version ${approved} (rollback-version). ` +
        'Run the rollback again so the reviewers see the version it restores'
    )
  const version = await resolveVersion(registry, req.model, found.version, wait)
  const recorded = recordedDigest(found, version)
  // The approver of a rollback approved replacing the version that holds the target now.
  const checked =
    req.expectedPreviousVersion === undefined
      ? { ...req, expectedPreviousVersion: found.current }
      : req
  return {
    req: checked,
    targets,
    version,
    states,
    rollbackFrom: found.current,
    ...(recorded ? { recorded } : {})
  }
}

/**
 * The digest the write must match: the one the reviewers approved, and for a rollback the one
 * recorded at the restored version's own promotion (both, when both are known, must agree).
 */
function approvedDigest(planned: Plan): ApprovedArtifact | undefined {
  const { req, recorded, version } = planned
  const approved = req.approvedArtifact
  if (approved && recorded && approved.digest !== recorded.digest)
    throw new ActionError(
      `approved-artifact-digest is ${approved.digest}, but version ${version.version} of '${req.model}' was promoted ` +
        `with ${recorded.digest} (${recorded.from}); a rollback restores the bytes of its own promotion`
    )
  return approved ?? (recorded ? { digest: recorded.digest } : undefined)
}

/** The bytes check, last before the write: the artifact is digested again and must be the approved one. */
async function checkBytes(planned: Plan, deps: PromotionDeps): Promise<ArtifactDigest | undefined> {
  const approved = approvedDigest(planned)
  // A dry run reads the files only when asked to (an approved digest given): the workflow's dry
  // run checks the approvals, and its failure is recorded as a rejection, not a changed artifact.
  if (!approved || (planned.req.dryRun && !planned.req.approvedArtifact)) return undefined
  if (!deps.digestVersion)
    throw new ActionError(
      'An approved artifact digest was given, but this run cannot read artifacts (no digester); this is a bug in the caller'
    )
  const now = await verifyApprovedBytes(
    planned.req.model,
    planned.version,
    approved,
    deps.digestVersion
  )
  deps.logger.info(
    `Artifact of version ${planned.version.version}: ${now.digest} (${now.files.length} file(s) from ${now.location.uri}), as approved`
  )
  return now
}

/** Check: order, compare-and-set and approvals, all before the first write. */
async function check(
  planned: Plan,
  pending: TargetState[],
  deps: PromotionDeps
): Promise<{ approvedBy: string[]; signOffs: RoleSignOff[]; artifact?: ArtifactDigest }> {
  const { req, targets, version, states } = planned
  const v = version.version
  if (pending.length === 0) {
    deps.logger.info(
      `Version ${v} of '${req.model}' already holds ${targets.moves.map(moveLabel).join(' and ')}; nothing to write`
    )
    return { approvedBy: [], signOffs: [] }
  }
  // An alias-only move that stands for a policy stage is ordered as that stage.
  const orderName = targets.stageName ?? targets.policyStage?.name
  if (!req.rollback && orderName)
    checkOrder(deps.policy, version, targets.policyStage, orderName, req.allowSkip)
  checkExpected(req, states[0], v)
  let approvals: { approvedBy: string[]; signOffs: RoleSignOff[] } = {
    approvedBy: [],
    signOffs: []
  }
  if (targets.policyStage?.requires_approval) {
    const guard = await verifyGuard(targets.policyStage, deps, { requireDefaultBranch: true })
    const verdict = await checkApprovals(targets.policyStage, deps.run, deps.github, guard.settings)
    deps.logger.info(`Approvals for ${targets.policyStage.name}: ${verdict.counted.join(', ')}`)
    approvals = { approvedBy: verdict.counted, signOffs: verdict.roles }
  }
  // Last, so the bytes are read as close to the write as the checks allow.
  const artifact = await checkBytes(planned, deps)
  return artifact ? { ...approvals, artifact } : approvals
}

/** Apply: each pending move, in order. */
async function apply(
  deps: PromotionDeps,
  model: string,
  v: string,
  pending: TargetState[],
  onWrite: () => void
): Promise<void> {
  for (const state of pending) {
    deps.logger.info(
      `Moving ${moveLabel(state.move)} of '${model}' to version ${v}${state.holders.length ? ` (held by ${state.holders.join(', ')})` : ''}`
    )
    onWrite()
    await applyMove(deps.registry, model, v, state.move)
  }
}

/** Confirm: the moves are visible to consistent reads; then the promotion is recorded in tags. */
async function confirm(
  deps: PromotionDeps,
  planned: Plan,
  pending: TargetState[],
  record: {
    previousVersion: string
    approvedBy: string[]
    signOffs: RoleSignOff[]
    artifactDigest?: string | undefined
  },
  timeoutMs: number
): Promise<number> {
  const { req, version } = planned
  const v = version.version
  const confirmed = await confirmVisible(
    deps.registry,
    req.model,
    v,
    pending,
    version.current_stage,
    {
      clock: deps.clock,
      random: deps.random,
      timeoutMs,
      consistentReads: req.consistentReads
    }
  )
  deps.logger.info(`Confirmed in ${confirmed.elapsedMs} ms (${confirmed.reads} reads)`)
  const tags = promotionTags(
    req.tagPrefix,
    {
      moves: pending.map(s => s.move),
      previousByMove: pending.map(s => s.holders.filter(h => h !== v).pop()),
      ...record,
      rollback: req.rollback,
      at: new Date(deps.clock.now())
    },
    deps.run
  )
  // MLflow has no batch tag call for versions; the writes are independent, so they go out together.
  await Promise.all(
    Object.entries(tags).map(([key, value]) =>
      deps.registry.setModelVersionTag(req.model, v, key, value)
    )
  )
  return confirmed.elapsedMs
}

/**
 * One governed promotion, in four phases: plan (resolve the version and read the targets) →
 * check (order, compare-and-set, approvals) → apply (the moves) → confirm (visible to
 * consistent reads, then recorded in tags). Every check runs before the first write, so a
 * refused promotion changes nothing.
 */
export async function promote(
  request: PromotionRequest,
  deps: PromotionDeps
): Promise<PromotionResult> {
  const { registry, clock, logger } = deps
  const t0 = clock.now()
  const planned = await phase(logger, 'plan', () => planPromotion(request, deps)).catch(unchanged)
  const { req, targets, version, states } = planned
  const t1 = clock.now()
  const v = version.version
  const moves = targets.moves
  const pending = states.filter(s => !holdsTarget(s, v))
  const previousByMove = states.map(s => s.holders.filter(h => h !== v).pop())
  const recordedPrevious = moves[0]
    ? version.tags.find(t => t.key === previousTagKey(req.tagPrefix, moves[0]!))?.value
    : undefined
  const previousVersion = pending.length > 0 ? (previousByMove[0] ?? '') : (recordedPrevious ?? '')
  const { approvedBy, signOffs, artifact } = await phase(logger, 'check', () =>
    check(planned, pending, deps)
  ).catch(unchanged)
  const touched = [v, ...states.flatMap(s => s.holders)]
  const before = await snapshot(registry, req.model, touched).catch(unchanged)
  const t2 = clock.now()
  const base = {
    model: req.model,
    version: v,
    previousVersion,
    stage: targets.stageName ?? '',
    aliases: moves.flatMap(m => (m.kind === 'alias' ? [m.alias] : [])),
    modelUri: `models:/${req.model}/${v}`,
    runId: version.run_id ?? '',
    source: version.source ?? '',
    dryRun: req.dryRun,
    rollback: req.rollback,
    moves,
    approvedBy,
    signOffs,
    before,
    ...(artifact ? { artifact } : {})
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
    await phase(logger, 'apply', () =>
      apply(deps, req.model, v, pending, () => {
        written = true
      })
    )
    const t3 = clock.now()
    writeMs = t3 - t2
    propagationMs = await phase(logger, 'confirm', () =>
      confirm(
        deps,
        planned,
        pending,
        { previousVersion, approvedBy, signOffs, artifactDigest: artifact?.digest },
        Math.max(0, req.timeoutMs - (t3 - t0))
      )
    )
  } catch (error) {
    if (!written) unchanged(error)
    throw extendError(error, await stateAfterFailure(deps, req, pending, v))
  }
  const after = await snapshot(registry, req.model, touched).catch(() => before)
  if (planned.rollbackFrom) logger.info(`Rolled back from version ${planned.rollbackFrom} to ${v}`)
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
