/**
 * One line of AUDIT.log (format v1, see audit-log/README.md). Readers that only need a few
 * fields (promote-model's rollback, reconcile) use this type, read through src/audit/trail.ts; the chain
 * checks live in the audit room's verify module.
 */
export const AUDIT_EVENTS = [
  'promote',
  'rollback',
  'gate-failed',
  'lineage-failed',
  'approval-rejected',
  'error',
  'drift-detected'
] as const
export type AuditEvent = (typeof AUDIT_EVENTS)[number]

export interface AuditApproval {
  login: string
  state: string
  comment: string
  environments: string[]
  /** The sign_off role whose environment the review was for, when the stage declares roles. */
  role?: string
}

export interface AuditEntry {
  v: 1
  seq: number
  prev: string
  ts: string
  event: AuditEvent
  outcome: 'success' | 'failure'
  model: string
  version: string
  from: string
  to: string
  previous_version: string
  actor: string
  triggered_by: string
  approvals: AuditApproval[]
  reason: string
  repository: string
  run_id: string
  run_attempt: string
  run_url: string
  workflow_ref: string
  git_commit: string
  lineage: {
    lock_sha256: string
    model_md5: string
    verified: boolean | null
    /**
     * What the lineage verdict proved (issue "Seed flow"), strongest first: 1 the registered
     * artifact's bytes are the DVC output; 2 the run logged a file whose md5 is the DVC output's;
     * 3 the run was recorded at the lineage commit or an ancestor that differs only in what
     * `dvc repro` writes; 4 no link. Absent on entries written before levels existed.
     */
    level?: 1 | 2 | 3 | 4
    /** The commit lineage was checked at (the version's own lineage commit). */
    commit?: string
  }
  /**
   * The approved bytes (issue "Approved bytes"): the digest of the version's artifact that was
   * validated, shown to the reviewers and re-checked before the registry write. Absent on
   * entries written before it, and on events that never read the artifact.
   */
  artifact?: { digest: string; files: number; uri: string }
  metrics: unknown
  gates: unknown
  registry: string
  /** Optional: fields recorded empty because their input failed a check (audit-log/README.md). */
  invalid?: { field: string; reason: string }[]
  [key: string]: unknown
}
