import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import type { AuditEntry } from '../../../src/audit/entry.js'
import {
  checkRuns,
  DEFAULT_APPROVAL_WORKFLOWS,
  type RunCheckOptions
} from '../../../src/audit/run-check.js'
import { systemClock, type Clock } from '../../../src/core/time.js'
import { createRunsClient } from '../../../src/github/runs.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { sampleFields } from './sample.js'

const REPO = 'acme/models'
const CALLED = [
  {
    path: 'acme-ml/model-governance/.github/workflows/model-approval.yml@refs/tags/v1',
    sha: 'a'.repeat(40),
    ref: 'refs/tags/v1'
  }
]
const OPTIONS: RunCheckOptions = {
  repository: REPO,
  approvalWorkflows: DEFAULT_APPROVAL_WORKFLOWS,
  approvalsHorizonDays: 90,
  concurrency: 2,
  maxWaitSeconds: 5
}
const NOW = Date.parse('2026-11-26T12:00:00Z')
const clock: Clock = { now: () => NOW, sleep: ms => systemClock.sleep(ms) }

function entry(runId: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  const fields = sampleFields(1, {
    run_id: runId,
    actor: 'alice',
    ts: '2026-11-26T06:00:00.000Z',
    approvals: [{ login: 'bob', state: 'approved', comment: 'ok', environments: ['production'] }],
    ...overrides
  })
  return JSON.parse(formatLine(fields, 1, GENESIS_PREV)) as AuditEntry
}

describe('run check against the strict GitHub stand-in', () => {
  let github: GithubFake
  beforeAll(async () => {
    github = await startGithubFake()
    github.setEnvironment(REPO, 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
    const run = (id: string, more: Partial<Parameters<GithubFake['setRun']>[2]> = {}) =>
      github.setRun(REPO, id, {
        path: '.github/workflows/promote.yml',
        actor: 'alice',
        createdAt: '2026-11-26T05:59:00Z',
        referencedWorkflows: CALLED,
        ...more
      })
    run('100')
    github.setApprovals(REPO, '100', [{ login: 'bob', state: 'approved', comment: 'ok' }])
    run('101') // known, but no review recorded by GitHub
    run('102', { createdAt: '2025-01-10T08:00:00Z' }) // old: GitHub lists no reviews any more
    run('103', { referencedWorkflows: [] }) // did not call the approval workflow
    run('104', { actor: 'mallory', createdAt: '2026-11-26T07:00:00Z' })
    run('105')
    github.setApprovals(REPO, '105', [{ login: 'bob', state: 'approved' }])
    github.deleteRun(REPO, '105')
  })
  afterAll(() => github.close())

  const check = (entries: AuditEntry[], at: Clock = clock) =>
    checkRuns(
      entries.map((e, i) => ({ line: i + 1, entry: e })),
      createRunsClient('ghs_test', github.uri),
      OPTIONS,
      at
    )

  it('confirms an entry whose run, caller, actor, time and reviews GitHub shows', async () => {
    const result = await check([entry('100')])
    expect(result).toMatchObject({ checked: 1, confirmed: 1, failed: 0, findings: [] })
  })

  it('fails an entry whose run GitHub does not know, or whose run was deleted', async () => {
    const result = await check([entry('999'), entry('105')])
    expect(result.findings).toEqual([
      expect.objectContaining({ line: 1, run_id: '999', verdict: 'failed', part: 'run' }),
      expect.objectContaining({ line: 2, run_id: '105', verdict: 'failed', part: 'run' })
    ])
    expect(result.findings[0]!.reason).toMatch(/GitHub knows no run 999 in acme\/models/)
  })

  it('fails an entry whose recorded approvals GitHub does not show', async () => {
    const result = await check([entry('101')])
    expect(result.failed).toBe(1)
    expect(result.findings).toEqual([
      expect.objectContaining({
        part: 'approvals',
        verdict: 'failed',
        reason: expect.stringMatching(
          /does not show the recorded review\(s\) bob approved production/
        )
      })
    ])
    // A review GitHub shows, but by someone else, fails too.
    const forged = await check([
      entry('100', {
        approvals: [
          { login: 'carol', state: 'approved', comment: '', environments: ['production'] }
        ]
      })
    ])
    expect(forged.findings.map(f => f.part)).toEqual(['approvals'])
  })

  it('reports the approvals of an old run as unconfirmable, never as confirmed', async () => {
    const result = await check([entry('102')])
    expect(result).toMatchObject({ confirmed: 0, failed: 0, unconfirmable: 1 })
    expect(result.findings).toEqual([
      expect.objectContaining({ part: 'approvals', verdict: 'unconfirmable' })
    ])
  })

  it('fails a run that did not call the approval workflow, another actor, and a back-dated ts', async () => {
    const result = await check([entry('103', { approvals: [] }), entry('104', { approvals: [] })])
    expect(result.findings.map(f => [f.line, f.part, f.verdict])).toEqual([
      [1, 'workflow', 'failed'],
      [2, 'actor', 'failed'],
      [2, 'created', 'failed']
    ])
    expect(result.findings[2]!.reason).toMatch(
      /ts 2026-11-26T06:00:00.000Z is before run 104 was created/
    )
  })

  it('fails an entry naming another repository without asking GitHub', async () => {
    const before = github.requests.length
    const result = await check([entry('100', { repository: 'evil/elsewhere' })])
    expect(result.findings.map(f => f.part)).toEqual(['repository'])
    expect(github.requests.length).toBe(before)
  })

  it('reads each run once, at most `concurrency` at a time, and waits out a spent rate limit', async () => {
    const before = github.requests.length
    const answered = github.responses.length
    github.setRateLimit({ remaining: 1, resetInSeconds: 2 })
    const started = Date.now()
    // The real clock: the stand-in's reset is real time, and the wait is really waited.
    const result = await check([entry('100'), entry('100'), entry('100')], systemClock)
    expect(result.confirmed).toBe(3)
    // One GET of the run and one of its approvals, the second after the reset.
    expect(github.requests.slice(before).map(r => r.path)).toEqual([
      '/repos/acme/models/actions/runs/100',
      '/repos/acme/models/actions/runs/100/approvals'
    ])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    // The wait came from the headers: GitHub never had to refuse a request.
    expect(github.responses.slice(answered).map(r => r.status)).toEqual([200, 200])
  })
})
