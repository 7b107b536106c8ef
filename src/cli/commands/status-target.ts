// What `status` reports for one target: apart from status.ts, which builds it, so that
// status-view.ts, which prints it, does not import status.ts back (test/unit/import-cycles.test.ts).
import type { ApprovalFact, DataFacts, TrainingFacts } from '../../provenance/index.js'

/** Said in place of a lineage level when no promotion of the version recorded a lineage at all. */
export const NO_LINEAGE_RECORDED = 'no promotion of this version recorded its lineage'

/** One target as `status` reports it (docs/cli.md documents every field). */
export interface StatusTarget {
  kind: 'stage' | 'alias'
  target: string
  version: string | null
  audited_version: string | null
  drift: boolean
  /** `models:/<model>/<version>`: what a serving process loads. */
  uri: string | null
  since: string | null
  /** promote or rollback: the entry that put the version there (null on drift). */
  event: string | null
  promoted_by: string | null
  approved_by: string[]
  approvals: ApprovalFact[]
  reason: string | null
  run_url: string | null
  /** From the version's own governed history, so a rollback shows them too. */
  lock_sha256: string | null
  model_md5: string | null
  /**
   * lineage-check's level as the version's recorded lineage holds it (1 strongest … 4 no link);
   * null when no promotion recorded a lineage, or the one that did predates levels.
   */
  lineage_level: 1 | 2 | 3 | 4 | null
  /** The level in words, or which of those two it is: never a guessed level. */
  lineage_level_text: string
  trained_by: TrainingFacts | null
  data: DataFacts
  /** The commit that reproduces the version, and the commands that do it. */
  commit: string | null
  /** Said when the training run's commit differs from the lineage commit, else null. */
  commit_note: string | null
  reproduce: string[]
  /** Where the promotion facts come from: the audit log, promote-model's version tags, or neither. */
  source: 'audit-log' | 'tags' | 'none'
  audit_seq: number | null
  registry_last_updated: string | null
  registry_user: string | null
}
