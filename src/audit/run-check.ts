import type { Clock } from '../core/time.js'
import type { Approval } from '../github/approvals.js'
import type { Fetched, RunsClient, WorkflowRun } from '../github/runs.js'
import type { AuditEntry } from './entry.js'
import {
  rejectionShown,
  recordedNotShown,
  recordedProblems,
  unsatisfiedRoles
} from './run-approvals.js'
import {
  actorFindings,
  approvalWorkflowFindings,
  conclusionFindings,
  DRIFT_EVENTS,
  titleFindings,
  triggerFindings,
  type PartFinding
} from './run-check-parts.js'
import { Limiter } from './run-limiter.js'
import type { RunCheckPolicy } from './run-policy.js'

/**
 * The run check: an entry counts as a governed event only when GitHub's record of the run that
 * wrote it backs it (docs/security.md, "The run check"). For each entry:
 *
 * - the run (GET …/actions/runs/{run_id}/attempts/{run_attempt}) exists in this repository;
 * - it is a `workflow_dispatch` of a caller workflow the policy names (`governance.caller_workflows`;
 *   drift-detected entries: a scheduled or dispatched drift workflow), on the default branch
 *   (`head_branch`), at a commit of that branch's history (`head_sha`, GitHub's compare API:
 *   GitHub's record, not the reader's clone, and a tag named like the branch cannot pass);
 * - it called the approval workflow at the ref the policy pins (`referenced_workflows`);
 * - its conclusion agrees with the entry's outcome;
 * - its display_title (the caller's run-name, fixed from the dispatch inputs) names the entry's
 *   model, version and target;
 * - its actor is the entry's, created before the entry's ts;
 * - the reviews the entry records are GitHub's, name an environment and a role the policy has;
 *   a successful promote or rollback to a stage that requires approval has GitHub's approvals
 *   for every role's environment; an approval-rejected entry has GitHub's rejection;
 * - one run attempt backs one entry: a later entry naming the same run attempt fails.
 *
 * What cannot be checked any more is `unconfirmable`, never confirmed.
 */
export interface RunCheckOptions {
  /** The repository the trail belongs to (owner/repo); an entry naming another one fails. */
  repository: string
  /** What GitHub's record must show (callers, approval workflow pins, the stages' roles). */
  policy: RunCheckPolicy
  approvalsHorizonDays: number
  concurrency: number
  /** Longest wait for a rate limit before the run check gives up on an entry (unconfirmable). */
  maxWaitSeconds: number
}

export type RunVerdict = 'confirmed' | 'failed' | 'unconfirmable'

export interface RunFinding {
  line: number
  run_id: string
  verdict: Exclude<RunVerdict, 'confirmed'>
  /**
   * Which part: run, repository, event, workflow, branch, commit, approval-workflow,
   * conclusion, title, actor, created, approvals, stage, reuse, rate-limit.
   */
  part: string
  reason: string
}

export interface RunCheckResult {
  checked: number
  confirmed: number
  failed: number
  unconfirmable: number
  findings: RunFinding[]
  /** Per entry, in the order given: its verdict. */
  verdicts: { line: number; verdict: RunVerdict }[]
  requests: number
  summary: string
}

/** The reads of one check, each made once (runs and approvals per run, branch facts per sha). */
interface Reads {
  run(id: string, attempt: number): Promise<Fetched<WorkflowRun>>
  approvals(id: string): Promise<Fetched<Approval[]>>
  defaultBranch(): Promise<Fetched<string>>
  onDefault(branch: string, sha: string): Promise<Fetched<boolean>>
}

function reads(client: RunsClient, owner: string, repo: string, limiter: Limiter): Reads {
  const memo = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, fn: () => Promise<Fetched<T>>): Promise<Fetched<T>> => {
    let p = memo.get(key) as Promise<Fetched<T>> | undefined
    if (!p) memo.set(key, (p = limiter.call(fn)))
    return p
  }
  return {
    run: (id, attempt) =>
      once(`run ${id} ${attempt}`, () => client.getRun(owner, repo, id, attempt)),
    approvals: id => once(`approvals ${id}`, () => client.listApprovals(owner, repo, id)),
    defaultBranch: () => once('default', () => client.getDefaultBranch(owner, repo)),
    onDefault: (branch, sha) =>
      once(`on ${branch} ${sha}`, () => client.onBranch(owner, repo, branch, sha))
  }
}

export async function checkRuns(
  entries: { line: number; entry: AuditEntry }[],
  client: RunsClient,
  options: RunCheckOptions,
  clock: Clock
): Promise<RunCheckResult> {
  const [owner, repo] = options.repository.split('/') as [string, string]
  const limiter = new Limiter(options.concurrency, clock, options.maxWaitSeconds)
  const read = reads(client, owner, repo, limiter)
  // One run attempt backs one entry: the first entry (in file order) that names it claims it.
  const claimed = new Map<string, number>()
  const reuse = new Map<number, PartFinding>()
  for (const { line, entry } of entries) {
    if (DRIFT_EVENTS.has(String(entry.event))) continue // one drift run records every drift it finds
    const key = `${String(entry.run_id ?? '')}#${String(entry.run_attempt ?? '')}`
    const first = claimed.get(key)
    if (first === undefined) claimed.set(key, line)
    else
      reuse.set(line, {
        part: 'reuse',
        reason: `run ${String(entry.run_id)} attempt ${String(entry.run_attempt)} already backs line ${first}; one run attempt records one event`
      })
  }
  const results = await Promise.all(
    entries.map(async ({ line, entry }) => {
      const parts = await checkEntry(entry, options, read, clock)
      const extra = reuse.get(line)
      const all = extra ? [...parts, extra] : parts
      return {
        line,
        findings: all.map((f): RunFinding => ({
          line,
          run_id: String(entry.run_id ?? ''),
          verdict: f.unconfirmable ? 'unconfirmable' : 'failed',
          part: f.part,
          reason: f.reason
        }))
      }
    })
  )
  rollbackFindings(entries, results)
  const verdictOf = (findings: RunFinding[]): RunVerdict =>
    findings.some(f => f.verdict === 'failed')
      ? 'failed'
      : findings.length > 0
        ? 'unconfirmable'
        : 'confirmed'
  const verdicts = results.map(r => ({ line: r.line, verdict: verdictOf(r.findings) }))
  const count = (v: RunVerdict): number => verdicts.filter(x => x.verdict === v).length
  const [confirmed, failed, unconfirmable] = [
    count('confirmed'),
    count('failed'),
    count('unconfirmable')
  ]
  return {
    checked: verdicts.length,
    confirmed,
    failed,
    unconfirmable,
    findings: results.flatMap(r => r.findings),
    verdicts,
    requests: limiter.requests,
    summary: `${verdicts.length} entr${verdicts.length === 1 ? 'y' : 'ies'} checked against GitHub's record of their runs: ${confirmed} confirmed, ${failed} failed, ${unconfirmable} unconfirmable in part`
  }
}

/**
 * A rollback's version is not in its run's title (the validate job resolves it from the trail),
 * so it is bound by the trail itself: the version must be one that an earlier entry GitHub backs
 * put into that target. Entries are judged in file order, on the findings so far.
 */
function rollbackFindings(
  entries: { line: number; entry: AuditEntry }[],
  results: { line: number; findings: RunFinding[] }[]
): void {
  const held = new Set<string>()
  entries.forEach(({ line, entry }, i) => {
    const result = results[i]!
    const backed = result.findings.length === 0
    const key = `${String(entry.model)}\u0000${String(entry.to).toLowerCase()}\u0000${String(entry.version)}`
    if (entry.event === 'rollback' && entry.outcome === 'success' && backed && !held.has(key))
      result.findings.push({
        line,
        run_id: String(entry.run_id ?? ''),
        verdict: 'failed',
        part: 'rollback',
        reason: `restores version ${JSON.stringify(entry.version)}, which no earlier entry backed by GitHub shows holding ${String(entry.to)}`
      })
    else if (
      (entry.event === 'promote' || entry.event === 'rollback') &&
      entry.outcome === 'success' &&
      result.findings.length === 0
    )
      held.add(key)
  })
}

async function checkEntry(
  entry: AuditEntry,
  options: RunCheckOptions,
  read: Reads,
  clock: Clock
): Promise<PartFinding[]> {
  const runId = String(entry.run_id ?? '')
  const findings: PartFinding[] = []
  const fail = (part: string, reason: string): PartFinding[] => [...findings, { part, reason }]
  const limited = (part: string, what: string): PartFinding[] => [
    ...findings,
    {
      part,
      reason: `GitHub's rate limit did not allow reading ${what} in time`,
      unconfirmable: true
    }
  ]
  if (!/^[1-9]\d{0,19}$/.test(runId)) return fail('run', 'records no run id GitHub could know')
  const attemptText = String(entry.run_attempt ?? '')
  if (!/^[1-9]\d{0,3}$/.test(attemptText))
    return fail(
      'run',
      `records no run attempt (${JSON.stringify(entry.run_attempt)}); GitHub numbers them from 1`
    )
  if (entry.repository !== options.repository)
    return fail(
      'repository',
      `names the repository ${JSON.stringify(entry.repository)}, not ${options.repository}`
    )
  const fetched = await read.run(runId, Number(attemptText))
  if (fetched.kind === 'limited') return limited('rate-limit', `run ${runId}`)
  if (fetched.kind === 'missing')
    return fail(
      'run',
      `GitHub knows no run ${runId} attempt ${attemptText} in ${options.repository}: it never existed or was deleted`
    )
  const run = fetched.value
  findings.push(...triggerFindings(entry, run, options.policy))
  // The default branch, and the run's commit on its history.
  const branch = await read.defaultBranch()
  if (branch.kind === 'limited') findings.push(...limited('branch', 'the default branch'))
  else if (branch.kind === 'missing')
    findings.push({ part: 'branch', reason: `GitHub knows no repository ${options.repository}` })
  else if (run.head_branch !== branch.value)
    findings.push({
      part: 'branch',
      reason: `run ${runId} ran on ${JSON.stringify(run.head_branch)}, not the default branch ${branch.value}`
    })
  else {
    const on = await read.onDefault(branch.value, run.head_sha)
    if (on.kind === 'limited') findings.push(...limited('commit', `the history of ${branch.value}`))
    else if (on.kind === 'missing' || !on.value)
      findings.push({
        part: 'commit',
        reason: `run ${runId} ran at ${run.head_sha.slice(0, 12)}, which is not a commit of ${branch.value}'s history`
      })
  }
  findings.push(
    ...approvalWorkflowFindings(entry, run, options.policy),
    ...conclusionFindings(entry, run),
    ...titleFindings(entry, run),
    ...actorFindings(entry, run)
  )
  findings.push(...(await approvalFindings(entry, run, options, read, clock)))
  return findings
}

const SUCCESS_EVENTS = new Set(['promote', 'rollback'])

async function approvalFindings(
  entry: AuditEntry,
  run: WorkflowRun,
  options: RunCheckOptions,
  read: Reads,
  clock: Clock
): Promise<PartFinding[]> {
  if (DRIFT_EVENTS.has(String(entry.event))) return []
  const out: PartFinding[] = []
  const stage = options.policy.stage(String(entry.model), String(entry.to))
  const governedSuccess = SUCCESS_EVENTS.has(String(entry.event)) && entry.outcome === 'success'
  if (!stage && governedSuccess)
    out.push({
      part: 'stage',
      reason: `names the target ${JSON.stringify(entry.to)}, which the policy of ${JSON.stringify(entry.model)} does not have`
    })
  out.push(...recordedProblems(entry, stage).map(p => ({ part: 'approvals', reason: p.reason })))
  const recorded = Array.isArray(entry.approvals) ? entry.approvals : []
  const needsGithub =
    recorded.length > 0 ||
    entry.event === 'approval-rejected' ||
    (governedSuccess && stage?.requiresApproval === true)
  if (!needsGithub) return out
  const listed = await read.approvals(String(run.id))
  if (listed.kind === 'limited')
    return [
      ...out,
      {
        part: 'approvals',
        reason: `GitHub's rate limit did not allow reading the approvals of run ${run.id} in time`,
        unconfirmable: true
      }
    ]
  if (listed.kind === 'missing')
    return [...out, { part: 'approvals', reason: `GitHub lists no approvals for run ${run.id}` }]
  const reviews = listed.value
  const created = Date.parse(run.created_at)
  // GitHub does not document how long it lists a run's reviews: none for an old run is unknown.
  if (reviews.length === 0 && clock.now() - created > options.approvalsHorizonDays * 86_400_000)
    return [
      ...out,
      {
        part: 'approvals',
        reason: `GitHub lists no reviews for run ${run.id}, created more than ${options.approvalsHorizonDays} days ago; its approvals can no longer be confirmed`,
        unconfirmable: true
      }
    ]
  const missing = recordedNotShown(entry, reviews)
  if (missing.length > 0)
    out.push({
      part: 'approvals',
      reason: `GitHub does not show the recorded review(s) ${missing.join(', ')} for run ${run.id}`
    })
  if (governedSuccess && stage?.requiresApproval) {
    const actors = [run.actor?.login, run.triggering_actor?.login, String(entry.actor ?? '')]
    out.push(
      ...unsatisfiedRoles(
        stage,
        reviews,
        actors.filter((a): a is string => Boolean(a))
      ).map(p => ({
        part: 'approvals',
        reason: `${p.reason}; the stage ${stage.name} requires approval`
      }))
    )
  }
  if (entry.event === 'approval-rejected' && !rejectionShown(stage, reviews))
    out.push({
      part: 'approvals',
      reason: `the entry records a rejection, but GitHub shows no rejection of ${stage ? stage.roles.map(r => r.environment).join('/') : 'any environment'} in run ${run.id}`
    })
  return out
}
