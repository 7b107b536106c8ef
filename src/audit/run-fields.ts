import type { RunContext } from '../github/context.js'
import type { EntryFields } from './format.js'

/** The fields of an audit entry that say which workflow run recorded it. */
export type RunFields = Pick<
  EntryFields,
  'actor' | 'triggered_by' | 'repository' | 'run_id' | 'run_attempt' | 'run_url' | 'workflow_ref'
>

/**
 * The one mapping from the run context to an entry's run fields, for every kind of entry
 * (promotions and drift-detected events alike). Key order does not matter: formatLine writes
 * the keys in the format's order.
 */
export function runFields(context: RunContext): RunFields {
  return {
    actor: context.actor ?? '',
    triggered_by: context.triggeringActor ?? '',
    repository: context.repository ?? '',
    run_id: context.runId ?? '',
    run_attempt: context.runAttempt ?? '',
    run_url: context.runUrl ?? '',
    workflow_ref: context.workflowRef ?? ''
  }
}

/**
 * The binding between an entry and the run that wrote it: the caller's `run-name`, which GitHub
 * evaluates once, when the dispatch creates the run, from its inputs, and records as the run's
 * `display_title`. Neither the audit job nor anyone after it can change it, so a real run cannot
 * be reused for another model, version or target (docs/security.md, "The binding"). The example
 * callers write:
 *   promote.yml:  run-name: "promote <model> v${{ inputs.model_version }} to ${{ inputs.target_stage }}"
 *   rollback.yml: run-name: "rollback <model> to ${{ inputs.target_stage }}"
 * A rollback's version is not a dispatch input (the validate job resolves it from the trail), so
 * its title binds the model and the target only.
 */
export function runTitle(
  kind: 'promote' | 'rollback',
  model: string,
  target: string,
  version?: string
): string {
  return kind === 'rollback'
    ? `rollback ${model} to ${target}`
    : `promote ${model} v${version ?? ''} to ${target}`
}

const TITLE = /^(promote) (.+) v([1-9]\d*) to ([\w.-]+)$|^(rollback) (.+) to ([\w.-]+)$/

/** Reads a display_title written by runTitle, or undefined when it is not one. */
export function parseRunTitle(
  title: string
): { kind: 'promote' | 'rollback'; model: string; target: string; version?: string } | undefined {
  const m = TITLE.exec(title)
  if (!m) return undefined
  return m[1]
    ? { kind: 'promote', model: m[2]!, version: m[3]!, target: m[4]! }
    : { kind: 'rollback', model: m[6]!, target: m[7]! }
}
