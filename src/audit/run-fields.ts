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
