import type { Clock } from '../core/time.js'
import type { Approval } from '../github/approvals.js'
import type { Fetched, RateLimit, RunsClient, WorkflowRun } from '../github/runs.js'
import type { AuditEntry } from './entry.js'

/**
 * The run check: each entry against GitHub's own record of the run that wrote it.
 *
 * - GET /repos/{owner}/{repo}/actions/runs/{run_id} must exist (a 404 fails the entry: GitHub
 *   keeps a run's record after its logs expire, until someone deletes it, and a deleted run is a
 *   finding in itself);
 * - the run must be a caller of the approval workflow: GitHub lists the reusable workflows a run
 *   called in `referenced_workflows[].path` (`owner/repo/.github/workflows/file.yml@ref`), so one
 *   of them must be the approval workflow (or the run's own `path` is it);
 * - the run's `actor.login` must be the entry's actor;
 * - the run's `created_at` must be before the entry's `ts`;
 * - every review the entry records must be among those GET …/runs/{run_id}/approvals returns now.
 *
 * What cannot be checked any more is `unconfirmable`, never confirmed: GitHub does not document
 * how long it lists a run's reviews, so no reviews listed for a run older than
 * `approvalsHorizonDays` is unconfirmable rather than failed.
 */
export interface RunCheckOptions {
  /** The repository the trail belongs to (owner/repo); an entry naming another one fails. */
  repository: string
  /** Accepted approval workflows, `owner/repo/.github/workflows/file.yml` (no @ref); matched by suffix when it starts with '/'. */
  approvalWorkflows: string[]
  approvalsHorizonDays: number
  concurrency: number
  /** Longest wait for a rate limit before the run check gives up on an entry (unconfirmable). */
  maxWaitSeconds: number
}

export const DEFAULT_APPROVAL_WORKFLOWS = ['/.github/workflows/model-approval.yml']

export type RunVerdict = 'confirmed' | 'failed' | 'unconfirmable'

export interface RunFinding {
  line: number
  run_id: string
  verdict: Exclude<RunVerdict, 'confirmed'>
  /** Which part: run, repository, workflow, actor, created, approvals, rate-limit. */
  part: string
  reason: string
}

export interface RunCheckResult {
  checked: number
  confirmed: number
  failed: number
  unconfirmable: number
  findings: RunFinding[]
  requests: number
  summary: string
}

/** The events written by reconcile (drift-check workflow), not by the approval workflow. */
const NOT_FROM_APPROVAL = new Set(['drift-detected'])

export async function checkRuns(
  entries: { line: number; entry: AuditEntry }[],
  client: RunsClient,
  options: RunCheckOptions,
  clock: Clock
): Promise<RunCheckResult> {
  const [owner, repo] = options.repository.split('/') as [string, string]
  const limiter = new Limiter(options.concurrency, clock, options.maxWaitSeconds)
  const runs = new Map<string, Promise<Fetched<WorkflowRun>>>()
  const approvals = new Map<string, Promise<Fetched<Approval[]>>>()
  const runOf = (id: string): Promise<Fetched<WorkflowRun>> => {
    let p = runs.get(id)
    if (!p) runs.set(id, (p = limiter.call(() => client.getRun(owner, repo, id))))
    return p
  }
  const approvalsOf = (id: string): Promise<Fetched<Approval[]>> => {
    let p = approvals.get(id)
    if (!p) approvals.set(id, (p = limiter.call(() => client.listApprovals(owner, repo, id))))
    return p
  }
  const verdicts = await Promise.all(
    entries.map(({ line, entry }) => checkEntry(line, entry, options, runOf, approvalsOf, clock))
  )
  const findings = verdicts.flatMap(v => v.findings)
  const failed = verdicts.filter(v => v.findings.some(f => f.verdict === 'failed')).length
  const unconfirmable = verdicts.filter(
    v => v.findings.length > 0 && v.findings.every(f => f.verdict === 'unconfirmable')
  ).length
  const confirmed = verdicts.length - failed - unconfirmable
  return {
    checked: verdicts.length,
    confirmed,
    failed,
    unconfirmable,
    findings,
    requests: limiter.requests,
    summary: `${verdicts.length} entr${verdicts.length === 1 ? 'y' : 'ies'} checked against GitHub's record of their runs: ${confirmed} confirmed, ${failed} failed, ${unconfirmable} unconfirmable in part`
  }
}

async function checkEntry(
  line: number,
  entry: AuditEntry,
  options: RunCheckOptions,
  runOf: (id: string) => Promise<Fetched<WorkflowRun>>,
  approvalsOf: (id: string) => Promise<Fetched<Approval[]>>,
  clock: Clock
): Promise<{ findings: RunFinding[] }> {
  const runId = String(entry.run_id ?? '')
  const findings: RunFinding[] = []
  const fail = (part: string, reason: string): number =>
    findings.push({ line, run_id: runId, verdict: 'failed', part, reason })
  const unconfirmable = (part: string, reason: string): number =>
    findings.push({ line, run_id: runId, verdict: 'unconfirmable', part, reason })
  if (!/^[1-9]\d{0,19}$/.test(runId)) {
    fail('run', 'records no run id GitHub could know')
    return { findings }
  }
  if (entry.repository !== options.repository) {
    fail(
      'repository',
      `names the repository ${JSON.stringify(entry.repository)}, not ${options.repository}`
    )
    return { findings }
  }
  const fetched = await runOf(runId)
  if (fetched.kind === 'limited') {
    unconfirmable('rate-limit', `GitHub's rate limit did not allow reading run ${runId} in time`)
    return { findings }
  }
  if (fetched.kind === 'missing') {
    fail(
      'run',
      `GitHub knows no run ${runId} in ${options.repository}: it never existed or was deleted`
    )
    return { findings }
  }
  const run = fetched.value
  if (!NOT_FROM_APPROVAL.has(String(entry.event))) {
    const called = calledWorkflows(run)
    if (called === undefined)
      unconfirmable('workflow', 'GitHub does not list the workflows this run called')
    else if (!called.some(path => acceptedWorkflow(path, options.approvalWorkflows)))
      fail(
        'workflow',
        `run ${runId} (${run.path}) did not call the approval workflow; it called ${called.length > 0 ? called.join(', ') : 'no reusable workflow'}`
      )
  }
  if (!run.actor) unconfirmable('actor', 'GitHub does not name the actor of this run')
  else if (run.actor.login.toLowerCase() !== String(entry.actor ?? '').toLowerCase())
    fail(
      'actor',
      `run ${runId} was started by ${run.actor.login}, not ${JSON.stringify(entry.actor)}`
    )
  const created = Date.parse(run.created_at)
  const ts = Date.parse(String(entry.ts ?? ''))
  if (!Number.isFinite(created) || !Number.isFinite(ts))
    unconfirmable('created', 'the run or the entry carries no readable time')
  else if (created > ts)
    fail(
      'created',
      `the entry's ts ${entry.ts} is before run ${runId} was created (${run.created_at})`
    )
  const recorded = Array.isArray(entry.approvals) ? entry.approvals : []
  if (recorded.length > 0) {
    const listed = await approvalsOf(runId)
    if (listed.kind === 'limited')
      unconfirmable(
        'approvals',
        `GitHub's rate limit did not allow reading the approvals of run ${runId} in time`
      )
    else if (listed.kind === 'missing')
      fail('approvals', `GitHub lists no approvals for run ${runId}`)
    else {
      const old = clock.now() - created > options.approvalsHorizonDays * 86_400_000
      const missing = recorded.filter(a => !listed.value.some(l => sameReview(a, l)))
      if (missing.length > 0 && listed.value.length === 0 && old)
        unconfirmable(
          'approvals',
          `GitHub lists no reviews for run ${runId}, created more than ${options.approvalsHorizonDays} days ago; the ${missing.length} recorded review(s) can no longer be confirmed`
        )
      else if (missing.length > 0)
        fail(
          'approvals',
          `GitHub does not show the recorded review(s) ${missing.map(a => `${a.login} ${a.state} ${(a.environments ?? []).join('/')}`).join(', ')} for run ${runId}`
        )
    }
  }
  return { findings }
}

function sameReview(
  recorded: { login: string; state: string; environments?: string[] },
  listed: Approval
): boolean {
  const envs = (recorded.environments ?? []).map(e => e.toLowerCase())
  return (
    recorded.login.toLowerCase() === listed.login.toLowerCase() &&
    recorded.state === listed.state &&
    envs.every(e => listed.environments.some(l => l.toLowerCase() === e))
  )
}

/** The workflows the run is or called, without their @ref. */
function calledWorkflows(run: WorkflowRun): string[] | undefined {
  if (run.referenced_workflows === null || run.referenced_workflows === undefined) return undefined
  const repository = run.repository.full_name
  return [`${repository}/${run.path}`, ...run.referenced_workflows.map(w => w.path)].map(p =>
    p.replace(/@[^@]*$/, '')
  )
}

function acceptedWorkflow(path: string, accepted: string[]): boolean {
  return accepted.some(a => (a.startsWith('/') ? path.endsWith(a) : path === a))
}

/**
 * At most `concurrency` requests at once; when GitHub says the limit is spent (or asks to retry
 * after a while) every worker waits for the reset, up to `maxWaitSeconds` in all.
 */
class Limiter {
  private active = 0
  private readonly queue: (() => void)[] = []
  private pausedUntil = 0
  private waited = 0
  requests = 0

  constructor(
    private readonly concurrency: number,
    private readonly clock: Clock,
    private readonly maxWaitSeconds: number
  ) {}

  async call<T>(fn: () => Promise<Fetched<T>>): Promise<Fetched<T>> {
    await this.slot()
    try {
      for (;;) {
        const pause = this.pausedUntil - this.clock.now()
        if (pause > 0) await this.clock.sleep(pause)
        this.requests++
        const answer = await fn()
        this.note(answer.rate)
        if (answer.kind !== 'limited') return answer
        const wait = answer.waitSeconds
        if (this.waited + wait > this.maxWaitSeconds) return answer
        this.waited += wait
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait * 1000)
      }
    } finally {
      this.release()
    }
  }

  /** With no requests left, the next ones wait for the window's reset (bounded by maxWaitSeconds). */
  private note(rate: RateLimit | undefined): void {
    if (!rate || rate.remaining > 0) return
    const wait = Math.max(rate.reset * 1000 - this.clock.now(), 0)
    if (this.waited + wait / 1000 <= this.maxWaitSeconds) {
      this.waited += wait / 1000
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait)
    }
  }

  private async slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++
      return
    }
    await new Promise<void>(resolve => this.queue.push(resolve))
  }

  private release(): void {
    const next = this.queue.shift()
    if (next) next()
    else this.active--
  }
}
