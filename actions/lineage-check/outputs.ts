import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { LineageCheckOutcome } from '../../src/dvc/lineage-check.js'
import type { LineageCommit } from '../../src/dvc/locate-commit.js'

/** Names are exactly lineage-check/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs([
  'verified',
  'report',
  'lock-sha256',
  'git-commit',
  'model-path',
  'model-md5',
  'stages-checked',
  'lineage',
  'level',
  'lineage-commit'
])

export function lineageOutputs(outcome: LineageCheckOutcome): OutputValues<typeof outputs> {
  return {
    verified: outcome.verified,
    report: outcome.reportJson,
    'lock-sha256': outcome.lockSha256,
    'git-commit': outcome.gitCommit,
    'model-path': outcome.modelPath,
    'model-md5': outcome.modelMd5,
    'stages-checked': outcome.stagesChecked,
    level: outcome.level,
    'lineage-commit': outcome.lineageCommit,
    // One JSON value built here, so a workflow passes it to audit-log whole, never by pasting
    // outputs into a JSON string (an output could then change the structure of the input).
    lineage: JSON.stringify({
      'lock-sha256': outcome.lockSha256,
      'model-md5': outcome.modelMd5,
      verified: outcome.verified,
      level: outcome.level,
      commit: outcome.lineageCommit
    })
  }
}

/** mode find-lineage-commit: only where to check, no verdict yet. */
export function locatedOutputs(found: LineageCommit): OutputValues<typeof outputs> {
  return { 'lineage-commit': found.commit }
}
