import type { Trail } from '../audit/trail.js'
import type { Clock } from '../core/time.js'
import type { Logger } from '../core/logger.js'
import type { GithubClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import type { MlflowClient, MlflowStage } from '../mlflow/index.js'
import type { Policy } from '../policy/index.js'
import type { ArtifactDigest } from '../artifacts/index.js'
import type { RoleSignOff } from './approval-check.js'
import type { ApprovedArtifact, VersionDigester } from './approved-artifact.js'

/** The registry operations a promotion uses; the real MlflowClient satisfies it, unit tests pass a fake. */
export type Registry = Pick<
  MlflowClient,
  | 'server'
  | 'getModelVersion'
  | 'getVersionByAlias'
  | 'searchModelVersions'
  | 'transitionStage'
  | 'setAlias'
  | 'setModelVersionTag'
>

/** One change to the registry: a stage transition or an alias move. */
export type Move =
  { kind: 'stage'; stage: MlflowStage; archiveExisting: boolean } | { kind: 'alias'; alias: string }

/**
 * What to promote: a version spec (number, latest, alias:<a>, stage:<S>, run:<id>), or a
 * rollback, which finds the version itself. Exactly one; the caller's inputs decide which.
 */
export type PromotionRequest = PromotionRequestBase &
  ({ rollback: false; version: string } | { rollback: true; version?: undefined })

export interface PromotionRequestBase {
  model: string
  stage?: string | undefined
  alias?: string | undefined
  archiveExisting: boolean
  allowSkip: boolean
  expectedPreviousVersion?: string | undefined
  dryRun: boolean
  timeoutMs: number
  consistentReads: number
  tagPrefix: string
  /**
   * The artifact digest the reviewers approved (validate's): the version's files are digested
   * again right before the write and must match, else nothing is written.
   */
  approvedArtifact?: ApprovedArtifact | undefined
  /** With rollback: the version the reviewers approved restoring; another one is refused. */
  rollbackVersion?: string | undefined
}

export interface PromotionDeps {
  registry: Registry
  policy: Policy
  run: RunContext
  /**
   * Built only when a stage requires approval, so a missing token matters only then (and the
   * GitHub client, most of the bundle, is loaded only then).
   */
  github: () => Promise<GithubClient>
  /**
   * The audit log read by the one trusted reader (src/audit/trail.ts), when there is one:
   * rollback takes the version to restore from its counted entries.
   */
  readAuditTrail: () => Promise<Trail | undefined>
  /** Digests a version's artifact in its store; needed only when an approved digest is checked. */
  digestVersion?: VersionDigester | undefined
  clock: Clock
  random: () => number
  logger: Logger
}

/** One version's place in the registry, for the before/after table. */
export interface VersionSnapshot {
  version: string
  stage: string
  aliases: string[]
}

export interface PromotionResult {
  model: string
  version: string
  previousVersion: string
  /** The MLflow stage (or policy stage) moved to, empty when only an alias moved. */
  stage: string
  aliases: string[]
  modelUri: string
  runId: string
  source: string
  archivedVersions: string[]
  changed: boolean
  dryRun: boolean
  rollback: boolean
  propagationMs: number
  moves: Move[]
  approvedBy: string[]
  /** Each role's sign-off (one role, the stage, without sign_off); empty when none was needed. */
  signOffs: RoleSignOff[]
  before: VersionSnapshot[]
  after: VersionSnapshot[]
  /** The artifact's digest as read right before the write, equal to the approved one; absent when none was checked. */
  artifact?: ArtifactDigest | undefined
  timings: {
    resolveMs: number
    checksMs: number
    writeMs: number
    propagationMs: number
    totalMs: number
  }
}

export function moveLabel(move: Move): string {
  return move.kind === 'stage' ? `stage ${move.stage}` : `alias '${move.alias}'`
}

/** The part of a tag key naming the target, e.g. `stage.Production` or `alias.champion`. */
export function moveKey(move: Move): string {
  return move.kind === 'stage' ? `stage.${move.stage}` : `alias.${move.alias}`
}
