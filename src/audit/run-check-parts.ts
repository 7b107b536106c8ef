import type { WorkflowRun } from '../github/runs.js'
import type { AuditEntry } from './entry.js'
import { parseRunTitle, runTitle } from './run-fields.js'
import { acceptedApprovalWorkflow, type RunCheckPolicy } from './run-policy.js'

/** A finding about one part of GitHub's record of a run; `failed` unless said otherwise. */
export interface PartFinding {
  part: string
  reason: string
  unconfirmable?: boolean
}

/** Events written by the drift-check workflow (reconcile), not by a governed promotion. */
export const DRIFT_EVENTS = new Set(['drift-detected'])

/**
 * Which workflow, how triggered: a governed event comes from a workflow_dispatch of a caller the
 * policy names; a drift event from a scheduled or dispatched run of a drift workflow.
 */
export function triggerFindings(
  entry: AuditEntry,
  run: WorkflowRun,
  policy: RunCheckPolicy
): PartFinding[] {
  const drift = DRIFT_EVENTS.has(String(entry.event))
  const workflows = drift ? policy.driftWorkflows : policy.callerWorkflows
  const events = drift ? ['schedule', 'workflow_dispatch'] : ['workflow_dispatch']
  const out: PartFinding[] = []
  if (!events.includes(run.event))
    out.push({
      part: 'event',
      reason: `run ${run.id} was triggered by ${run.event}, not ${events.join(' or ')}`
    })
  if (!workflows.includes(run.path))
    out.push({
      part: 'workflow',
      reason: `run ${run.id} is of ${run.path}, which the policy does not name (governance.${drift ? 'drift_workflows' : 'caller_workflows'}: ${workflows.join(', ')})`
    })
  return out
}

/** The run called the pinned approval workflow (governed events only). */
export function approvalWorkflowFindings(
  entry: AuditEntry,
  run: WorkflowRun,
  policy: RunCheckPolicy
): PartFinding[] {
  if (DRIFT_EVENTS.has(String(entry.event))) return []
  const called = run.referenced_workflows
  if (called === null || called === undefined)
    return [
      {
        part: 'approval-workflow',
        reason: `GitHub does not list the workflows run ${run.id} called`,
        unconfirmable: true
      }
    ]
  if (called.some(w => acceptedApprovalWorkflow(w, policy.approvalWorkflows))) return []
  const wanted =
    policy.approvalWorkflows.length > 0
      ? policy.approvalWorkflows.join(', ')
      : '.github/workflows/model-approval.yml at a full commit SHA'
  return [
    {
      part: 'approval-workflow',
      reason: `run ${run.id} did not call ${wanted}; it called ${called.length > 0 ? called.map(w => `${w.path} (${w.sha.slice(0, 12)})`).join(', ') : 'no reusable workflow'}`
    }
  ]
}

/**
 * The run ended as the entry says: a success entry needs a successful run, a failure entry a
 * run that did not succeed. A run still going cannot be judged yet.
 */
export function conclusionFindings(entry: AuditEntry, run: WorkflowRun): PartFinding[] {
  if (DRIFT_EVENTS.has(String(entry.event))) return []
  if (run.status !== 'completed' || run.conclusion === null)
    return [
      {
        part: 'conclusion',
        reason: `run ${run.id} is ${run.status ?? 'not finished'}; its conclusion is not known yet`,
        unconfirmable: true
      }
    ]
  const success = entry.outcome === 'success'
  if (success !== (run.conclusion === 'success'))
    return [
      {
        part: 'conclusion',
        reason: `the entry records ${entry.event} (${entry.outcome}) but run ${run.id} concluded ${run.conclusion}`
      }
    ]
  return []
}

/**
 * The entry's model, version and target are the run's: its display_title, fixed by GitHub from
 * the dispatch inputs when the run was created (runTitle).
 */
export function titleFindings(entry: AuditEntry, run: WorkflowRun): PartFinding[] {
  if (DRIFT_EVENTS.has(String(entry.event))) return []
  const title = parseRunTitle(run.display_title)
  const expected =
    entry.event === 'rollback'
      ? runTitle('rollback', String(entry.model), String(entry.to))
      : runTitle('promote', String(entry.model), String(entry.to), String(entry.version))
  const fail = (): PartFinding[] => [
    {
      part: 'title',
      reason: `run ${run.id} is titled ${JSON.stringify(run.display_title)}, not ${JSON.stringify(expected)}: it did not ${entry.event === 'rollback' ? 'roll back' : 'promote'} what the entry says`
    }
  ]
  if (
    !title ||
    title.model !== entry.model ||
    title.target.toLowerCase() !== String(entry.to).toLowerCase()
  )
    return fail()
  if (entry.event === 'rollback') return title.kind === 'rollback' ? [] : fail()
  if (entry.event === 'promote')
    return title.kind === 'promote' && title.version === entry.version ? [] : fail()
  // A failed promotion or rollback: its own caller's title, the version too when dispatched.
  return title.kind === 'rollback' || title.version === entry.version ? [] : fail()
}

/** The run's actor and creation time agree with the entry. */
export function actorFindings(entry: AuditEntry, run: WorkflowRun): PartFinding[] {
  const out: PartFinding[] = []
  if (!run.actor)
    out.push({
      part: 'actor',
      reason: 'GitHub does not name the actor of this run',
      unconfirmable: true
    })
  else if (run.actor.login.toLowerCase() !== String(entry.actor ?? '').toLowerCase())
    out.push({
      part: 'actor',
      reason: `run ${run.id} was started by ${run.actor.login}, not ${JSON.stringify(entry.actor)}`
    })
  const created = Date.parse(run.created_at)
  const ts = Date.parse(String(entry.ts ?? ''))
  if (!Number.isFinite(created) || !Number.isFinite(ts))
    out.push({
      part: 'created',
      reason: 'the run or the entry carries no readable time',
      unconfirmable: true
    })
  else if (created > ts)
    out.push({
      part: 'created',
      reason: `the entry's ts ${entry.ts} is before run ${run.id} was created (${run.created_at})`
    })
  return out
}
