/**
 * The lineage verdict's level (issue "Seed flow"): what was verified between the registered
 * version and the DVC pipeline, strongest first. The same numbers are in the audit entry
 * (src/audit/entry.ts `lineage.level`).
 */
import type { LineageLevel } from '../core/lineage-levels.js'

// The numbers and words live in core: the audit entry, notify, provenance and the CLI say them too.
export { LEVEL_WORDS, levelLabel, type LineageLevel } from '../core/lineage-levels.js'

/** The level the seed's flow (log_model inside `dvc repro`, then commit) reaches. */
export const DEFAULT_MIN_LEVEL: LineageLevel = 3

/** What each level checked, and why a stronger one was not reached. */
export interface LevelEvidence {
  /** Level 1: what was compared, or why it was not reached. */
  artifact: { ok: boolean; detail: string }
  /** Level 2: the run's logged file that matched, or why none did. */
  loggedFile: { ok: boolean; detail: string; path?: string }
  /** Level 3: the commit link, or why it does not hold. */
  commit: { ok: boolean; detail: string }
}

export function levelOf(evidence: LevelEvidence): LineageLevel {
  if (evidence.artifact.ok) return 1
  if (evidence.loggedFile.ok) return 2
  if (evidence.commit.ok) return 3
  return 4
}

/**
 * The smallest change to the training code that reaches the level above `level`, for the
 * message of a version below its stage's minimum.
 */
export function nextStep(
  level: LineageLevel,
  model: { path: string; stage?: string | undefined } | undefined
): string {
  const file = model?.path ?? 'models/model.pkl'
  const stage = model?.stage ? `the '${model.stage}' stage` : 'the stage that writes it'
  switch (level) {
    case 4:
      return `train inside \`dvc repro\` from a git checkout of the default branch (MLflow then tags the run with mlflow.source.git.commit) and commit dvc.lock right after; or, in ${stage}, add \`mlflow.log_artifact("${file}")\` inside the run (level 2)`
    case 3:
      return `in ${stage}, add \`mlflow.log_artifact("${file}")\` inside the MLflow run, after the file is written`
    case 2:
      return `register the DVC output's own bytes: make ${stage} write the model folder MLflow logs (\`mlflow.sklearn.save_model(model, "${file.replace(/\.[^./]+$/, '')}")\` as the stage's out) and log that folder as the registered artifact (\`mlflow.log_artifacts("${file.replace(/\.[^./]+$/, '')}", "model")\`)`
    default:
      return 'nothing: level 1 is the strongest'
  }
}

/** What the level above `level` would have needed, from the evidence of why it was not reached. */
export function missing(level: LineageLevel, evidence: LevelEvidence): string {
  if (level === 4) return evidence.commit.detail
  if (level === 3) return evidence.loggedFile.detail
  if (level === 2) return evidence.artifact.detail
  return ''
}
