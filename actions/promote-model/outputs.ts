import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { ApprovalPlan } from '../../src/promotion/approval-plan.js'
import { artifactRecord } from '../../src/promotion/approved-artifact.js'
import type { GovernedResult } from '../../src/promotion/register-and-promote.js'
import { resultJson } from '../../src/promotion/summary.js'

/** Names are exactly promote-model/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs([
  'version',
  'registered',
  'previous-version',
  'stage',
  'alias',
  'model-uri',
  'run-id',
  'source',
  'archived-versions',
  'changed',
  'propagation-ms',
  'result',
  'artifact-digest',
  'artifact-manifest',
  'artifact'
])

/**
 * plan-only's outputs: the version the reviewers approve (for a rollback, the one restored) and
 * its bytes. `artifact` is one JSON value, audit-log's artifact input, passed whole.
 */
export function planOutputs(plan: ApprovalPlan): OutputValues<typeof outputs> {
  return {
    version: plan.version,
    'previous-version': plan.current,
    'model-uri': `models:/${plan.model}/${plan.version}`,
    changed: 'false',
    'artifact-digest': plan.artifact.digest,
    'artifact-manifest': plan.manifest,
    artifact: JSON.stringify(artifactRecord(plan.artifact))
  }
}

/** The outputs of a registration alone, or of a promotion (after a registration, if any). */
export function promoteOutputs(outcome: GovernedResult): OutputValues<typeof outputs> {
  if (outcome.kind === 'registered') {
    const r = outcome.registration
    return {
      version: r.version,
      registered: String(r.registered),
      'model-uri': r.version ? `models:/${r.model}/${r.version}` : '',
      'run-id': r.runId,
      source: r.source,
      changed: String(r.registered)
    }
  }
  const p = outcome.promotion
  const registered = outcome.registration?.registered === true
  return {
    version: p.version,
    registered: String(registered),
    'previous-version': p.previousVersion,
    stage: p.stage,
    alias: p.aliases.join(','),
    'model-uri': p.modelUri,
    'run-id': p.runId,
    source: p.source,
    'archived-versions': JSON.stringify(p.archivedVersions),
    // a registration followed by a no-op promotion still changed the registry
    changed: String(p.changed || registered),
    'propagation-ms': String(p.propagationMs),
    result: JSON.stringify(resultJson(p)),
    ...(p.artifact
      ? {
          'artifact-digest': p.artifact.digest,
          artifact: JSON.stringify(artifactRecord(p.artifact))
        }
      : {})
  }
}
