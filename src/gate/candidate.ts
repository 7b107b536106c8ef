// The candidate alone, apart from the gate: the action's inputs import it, and a cold start that
// fails on its inputs should not load the gate's MLflow and DVC code (scripts/build.mjs).
/**
 * Whose metrics are checked: a registered version, a run (with the model its champion is a
 * version of, if any), or metrics files only. The action's inputs refine to exactly one.
 */
export type Candidate =
  | { kind: 'version'; model: string; version: string }
  | { kind: 'run'; runId: string; model?: string | undefined; version?: string | undefined }
  | { kind: 'files' }

export interface CandidateFields {
  model?: string | undefined
  version?: string | undefined
  runId?: string | undefined
}

/** The candidate named by a model, a version and a run id (a run wins: its metrics are read). */
export function candidateOf(fields: CandidateFields): Candidate {
  const { model, version, runId } = fields
  if (runId) return { kind: 'run', runId, model, version }
  if (model && version) return { kind: 'version', model, version }
  return { kind: 'files' }
}
