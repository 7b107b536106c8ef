import type { AuditApproval, AuditEntry } from '../audit/entry.js'
import type { GitRunner } from '../git/git.js'
import type { TargetRow } from '../reconcile/reconcile.js'
import { commitDifference } from './commit-check.js'
import { lockAtCommit, type LockAtCommit } from './lock-at-commit.js'
import { reproduceCommands } from './reproduce.js'
import { trainingFacts, type TrainingFacts, type TrainingReader } from './training.js'
import { versionRecord, type RecordedLineage } from './version-record.js'

/** An approval as a person reads it: who, in which role, for which environment. */
export interface ApprovalFact {
  login: string
  role: string | null
  environments: string[]
  state: string
  comment: string
}

/** The data a version was built from: what the trail recorded, and dvc.lock at that commit. */
export interface DataFacts {
  /** What its promotions recorded (lineage-check's dvc.lock sha256 and model md5), or null. */
  recorded: RecordedLineage | null
  /** dvc.lock at the version's commit, when the repository is at hand (null when it is not). */
  lock: LockAtCommit | null
}

/** The four 2 AM answers for the version holding one target. */
export interface TargetFacts {
  trained: TrainingFacts | null
  data: DataFacts
  /** The approvals of the entry that put the version there (a rollback has its own). */
  approvals: ApprovalFact[]
  /** The event of that entry: promote or rollback. */
  event: string | null
  /** The commit that reproduces the version: the recorded lineage's, else the run's source. */
  commit: string | null
  /** Said when the run's commit differs from the lineage commit (commit-check.ts), else null. */
  commit_note: string | null
  reproduce: string[]
}

export interface FactSources {
  registry: TrainingReader
  /** The repository to read dvc.lock from, when one is at hand. */
  repository?: { git: GitRunner; root: string }
  /** Memoises training facts per version: a stage and its alias usually share one. */
  trainingCache?: Map<string, Promise<TrainingFacts>>
}

export function approvalFacts(approvals: unknown): ApprovalFact[] {
  if (!Array.isArray(approvals)) return []
  return (approvals as AuditApproval[]).map(a => ({
    login: String(a.login ?? ''),
    role: typeof a.role === 'string' && a.role !== '' ? a.role : null,
    environments: Array.isArray(a.environments) ? a.environments.map(String) : [],
    state: String(a.state ?? ''),
    comment: String(a.comment ?? '')
  }))
}

/**
 * Gathers the facts for the version holding a target now. The data comes from the version's own
 * history (versionRecord), so a rollback shows what v1's promotion recorded. Approvals come from
 * the entry that put the version there only when the registry agrees with the trail: on drift
 * nobody approved what the registry holds.
 */
export async function targetFacts(
  row: TargetRow,
  entries: AuditEntry[],
  sources: FactSources
): Promise<TargetFacts> {
  const version = row.registryVersion
  if (version === null)
    return {
      trained: null,
      data: { recorded: null, lock: null },
      approvals: [],
      event: null,
      commit: null,
      commit_note: null,
      reproduce: []
    }
  const cache = sources.trainingCache ?? new Map<string, Promise<TrainingFacts>>()
  const key = `${row.model}\u0000${version}`
  if (!cache.has(key))
    cache.set(key, trainingFacts(sources.registry, row.model, version, row.holder))
  const trained = await cache.get(key)!
  const recorded = versionRecord(entries, row.model, version).lineage
  const commit = recorded?.commit || trained.source_commit || null
  let lock: LockAtCommit | null = null
  if (sources.repository && commit) {
    lock = await lockAtCommit(sources.repository.git, sources.repository.root, commit)
  }
  const governed = row.inSync ? row.entry : undefined
  return {
    trained,
    data: { recorded, lock },
    approvals: approvalFacts(governed?.approvals),
    event: governed ? String(governed.event) : null,
    commit,
    commit_note: recorded ? commitDifference(trained.source_commit, recorded.commit) : null,
    reproduce: reproduceCommands(commit)
  }
}
