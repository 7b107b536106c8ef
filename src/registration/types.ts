import type { Clock } from '../core/time.js'
import type { Logger } from '../core/logger.js'
import type { RunContext } from '../github/context.js'
import type { MlflowClient, ModelVersion } from '../mlflow/index.js'

/** The registry operations registration uses; the real MlflowClient satisfies it, unit tests pass a fake. */
export type RegistrationRegistry = Pick<
  MlflowClient,
  | 'server'
  | 'getRegisteredModel'
  | 'createRegisteredModel'
  | 'createModelVersion'
  | 'getModelVersion'
  | 'searchModelVersions'
  | 'getRun'
  | 'getLoggedModel'
  | 'listRunArtifacts'
  | 'listProxiedArtifacts'
>

/** Lineage handed over from lineage-check's outputs (all optional). */
export interface Lineage {
  /** Defaults to the workflow's GITHUB_SHA. */
  gitCommit?: string | undefined
  lockSha256?: string | undefined
  modelMd5?: string | undefined
}

export interface RegistrationRequest {
  model: string
  /** runs:/<run_id>/<path>, models:/m-<id>, or an artifact URI. */
  source: string
  /** The run an artifact URI belongs to, when the URI does not show it. */
  runId?: string | undefined
  createModel: boolean
  lineage: Lineage
  tagPrefix: string
  /** How long a PENDING_REGISTRATION version is waited for. */
  timeoutMs: number
  /** Check everything and say what would be registered; write nothing. */
  dryRun?: boolean
}

export interface RegistrationDeps {
  registry: RegistrationRegistry
  run: RunContext
  clock: Clock
  logger: Logger
}

export interface RegistrationResult {
  model: string
  /** Empty for a dry run that found no earlier version. */
  version: string
  /** False when an earlier run had already registered this source (idempotent rerun), or on a dry run. */
  registered: boolean
  dryRun: boolean
  createdModel: boolean
  source: string
  runId: string
  modelId: string
  /** The lineage tags written now, or found on the existing version. */
  tags: Record<string, string>
  status: string
  waitedMs: number
  /** The version as the registry last showed it (none on a dry run that would register). */
  modelVersion?: ModelVersion
}
