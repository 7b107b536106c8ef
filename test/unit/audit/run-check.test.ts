import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import type { AuditEntry } from '../../../src/audit/entry.js'
import { checkRuns, type RunCheckOptions } from '../../../src/audit/run-check.js'
import {
  acceptedApprovalWorkflow,
  parseApprovalWorkflows,
  type RunCheckPolicy
} from '../../../src/audit/run-policy.js'
import { githubTrust, NO_GITHUB_STATEMENT } from '../../../src/audit/run-verdict.js'
import { systemClock, type Clock } from '../../../src/core/time.js'
import { createRunsClient } from '../../../src/github/runs.js'
import { startGithubFake, type FakeRun, type GithubFake } from '../../harness/github-fake.js'
import { sampleFields } from '../../harness/audit-sample.js'

const REPO = 'acme/models'
const PIN = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'
const CALLED = [
  { path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`, sha: PIN }
]
const MAIN = ['1', '2', '3'].map(c => c.repeat(40))
const POLICY: RunCheckPolicy = {
  callerWorkflows: ['.github/workflows/promote.yml', '.github/workflows/rollback.yml'],
  driftWorkflows: ['.github/workflows/drift-check.yml'],
  approvalWorkflows: [`acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`],
  stage: (_model, target) =>
    target.toLowerCase() === 'production'
      ? {
          name: 'Production',
          requiresApproval: true,
          allowSelfApproval: false,
          roles: [{ role: 'Production', environment: 'production', approvers: ['bob'] }]
        }
      : target.toLowerCase() === 'staging'
        ? { name: 'Staging', requiresApproval: false, allowSelfApproval: false, roles: [] }
        : undefined
}
const OPTIONS: RunCheckOptions = {
  repository: REPO,
  policy: POLICY,
  approvalsHorizonDays: 90,
  concurrency: 2,
  maxWaitSeconds: 5
}
const NOW = Date.parse('2026-11-26T12:00:00Z')
const clock: Clock = { now: () => NOW, sleep: ms => systemClock.sleep(ms) }

function entry(runId: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  const fields = sampleFields(1, {
    event: 'promote',
    model: 'churn',
    version: '2',
    to: 'Production',
    run_id: runId,
    actor: 'alice',
    ts: '2026-11-26T06:00:00.000Z',
    approvals: [{ login: 'bob', state: 'approved', comment: 'ok', environments: ['production'] }],
    ...overrides
  })
  return JSON.parse(formatLine(fields, 1, GENESIS_PREV)) as AuditEntry
}

describe('the run check against the strict GitHub stand-in', () => {
  let github: GithubFake
  const run = (id: string, more: Partial<FakeRun> = {}, reviewed = true): void => {
    github.setRun(REPO, id, {
      path: '.github/workflows/promote.yml',
      actor: 'alice',
      createdAt: '2026-11-26T05:59:00Z',
      referencedWorkflows: CALLED,
      headSha: MAIN[2],
      displayTitle: 'promote churn v2 to Production',
      ...more
    })
    if (!reviewed) return
    github.setPendingDeployments(REPO, id, ['production'])
    github.setApprovals(REPO, id, [{ login: 'bob', state: 'approved', comment: 'ok' }])
  }
  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository(REPO, { defaultBranch: 'main' })
    github.setBranch(REPO, 'main', MAIN)
    github.setBranch(REPO, 'feature', [MAIN[0]!, '9'.repeat(40)])
    github.setEnvironment(REPO, 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
    run('100')
    run('101', {}, false) // known, but GitHub shows no review
    run('102', { createdAt: '2025-01-10T08:00:00Z' }, false) // old: no reviews listed any more
    run('103', { referencedWorkflows: [] })
    run('104', { actor: 'mallory', createdAt: '2026-11-26T07:00:00Z' })
    run('105')
    github.deleteRun(REPO, '105')
    run('106', { headSha: MAIN[0] }) // an older commit of main: fine
    run('107', { status: 'in_progress', conclusion: null })
    // Dispatched from a tag the attacker named main, at their own commit: head_branch says main.
    run('108', { headSha: '9'.repeat(40) })
  })
  afterAll(() => github.close())

  const check = (entries: AuditEntry[], at: Clock = clock, options = OPTIONS) =>
    checkRuns(
      entries.map((e, i) => ({ line: i + 1, entry: e })),
      createRunsClient('ghs_test', github.uri),
      options,
      at
    )

  it('confirms an entry GitHub backs in every part, at the branch head or an older commit of it', async () => {
    const result = await check([entry('100'), entry('106')])
    expect(result.findings).toEqual([])
    expect(result).toMatchObject({ checked: 2, confirmed: 2, failed: 0 })
  })

  it('fails an entry whose run GitHub does not know, or whose run was deleted', async () => {
    const result = await check([entry('999'), entry('105')])
    expect(result.findings).toEqual([
      expect.objectContaining({ line: 1, run_id: '999', verdict: 'failed', part: 'run' }),
      expect.objectContaining({ line: 2, run_id: '105', verdict: 'failed', part: 'run' })
    ])
    expect(result.findings[0]!.reason).toMatch(/GitHub knows no run 999 attempt 1 in acme\/models/)
  })

  it('fails an entry whose recorded approvals GitHub does not show, and a Production promotion without them', async () => {
    const result = await check([entry('101')])
    expect(result.failed).toBe(1)
    expect(result.findings.map(f => f.reason)).toEqual([
      expect.stringMatching(/does not show the recorded review\(s\) bob approved production/),
      expect.stringMatching(/shows no approval of environment production \(role Production\)/)
    ])
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
    const result = await check([entry('102', { ts: '2025-01-10T09:00:00.000Z', approvals: [] })])
    expect(result).toMatchObject({ confirmed: 0, failed: 0, unconfirmable: 1 })
    expect(result.findings).toEqual([
      expect.objectContaining({ part: 'approvals', verdict: 'unconfirmable' })
    ])
  })

  it('fails a run that did not call the approval workflow, another actor, and a back-dated ts', async () => {
    const result = await check([entry('103'), entry('104')])
    expect(result.findings.map(f => [f.line, f.part, f.verdict])).toEqual([
      [1, 'approval-workflow', 'failed'],
      [2, 'actor', 'failed'],
      [2, 'created', 'failed']
    ])
  })

  it('fails a run whose head_branch says main but whose commit is not on main (a tag named main)', async () => {
    const result = await check([entry('108')])
    expect(result.findings.map(f => f.part)).toEqual(['commit'])
    expect(result.findings[0]!.reason).toMatch(
      /999999999999, which is not a commit of main's history/
    )
  })

  it('leaves a run still in progress unconfirmable', async () => {
    const result = await check([entry('107')])
    expect(result.findings).toEqual([
      expect.objectContaining({ part: 'conclusion', verdict: 'unconfirmable' })
    ])
  })

  it('fails an entry naming another repository without asking GitHub', async () => {
    const before = github.requests.length
    const result = await check([entry('100', { repository: 'evil/elsewhere' })])
    expect(result.findings.map(f => f.part)).toEqual(['repository'])
    expect(github.requests.length).toBe(before)
  })

  it('reads each run, the default branch and each commit once, and waits out a spent rate limit', async () => {
    const before = github.requests.length
    const answered = github.responses.length
    github.setRateLimit({ remaining: 1, resetInSeconds: 2 })
    const started = Date.now()
    // The real clock: the stand-in's reset is real time, and the wait is really waited. Three
    // entries of one run: the second and third are refused as reuse, but nothing is read twice.
    const result = await check([entry('100'), entry('100'), entry('100')], systemClock)
    expect(result.verdicts.map(v => v.verdict)).toEqual(['confirmed', 'failed', 'failed'])
    expect(new Set(github.requests.slice(before).map(r => r.path))).toEqual(
      new Set([
        '/repos/acme/models/actions/runs/100/attempts/1',
        '/repos/acme/models',
        '/repos/acme/models/git/ref/heads%2Fmain',
        '/repos/acme/models/actions/runs/100/approvals'
      ])
    )
    expect(github.requests.length - before).toBe(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    // The wait came from the headers: GitHub never had to refuse a request.
    expect(new Set(github.responses.slice(answered).map(r => r.status))).toEqual(new Set([200]))
  })
})

describe('approval workflow pins', () => {
  it('compares the ref, never drops it', () => {
    const pinned = [`acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`]
    expect(acceptedApprovalWorkflow(CALLED[0]!, pinned)).toBe(true)
    const other = 'f'.repeat(40)
    expect(
      acceptedApprovalWorkflow(
        {
          path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${other}`,
          sha: other
        },
        pinned
      )
    ).toBe(false)
    // A pin by commit must also be the commit GitHub ran.
    expect(acceptedApprovalWorkflow({ path: CALLED[0]!.path, sha: other }, pinned)).toBe(false)
    // Unpinned policy: only a full commit SHA that GitHub resolved to itself.
    expect(acceptedApprovalWorkflow(CALLED[0]!, [])).toBe(true)
    expect(
      acceptedApprovalWorkflow(
        { path: 'acme-ml/model-governance/.github/workflows/model-approval.yml@main', sha: PIN },
        []
      )
    ).toBe(false)
    expect(
      acceptedApprovalWorkflow(
        {
          path: 'acme-ml/model-governance/.github/workflows/model-approval.yml@refs/tags/v1',
          sha: PIN
        },
        ['acme-ml/model-governance/.github/workflows/model-approval.yml@refs/tags/v1']
      )
    ).toBe(true)
  })

  it('refuses an approval-workflows value without its ref', () => {
    expect(
      parseApprovalWorkflows(
        `acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN},\nacme-ml/model-governance/.github/workflows/model-approval.yml`
      )
    ).toEqual({
      accepted: [`acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`],
      refused: ['acme-ml/model-governance/.github/workflows/model-approval.yml']
    })
  })
})

describe('githubTrust, the verdict readers report', () => {
  it('without a token: not available, every entry unbacked, and it says a forgery cannot be told apart', async () => {
    const trust = await githubTrust({
      entries: [{ line: 1, entry: entry('100') }],
      client: undefined,
      repository: REPO,
      policy: POLICY,
      clock,
      unavailable: 'no GITHUB_TOKEN'
    })
    expect(trust.verdict.state).toBe('not-available')
    expect(trust.verdict.note).toContain(NO_GITHUB_STATEMENT)
    expect(trust.verdict.note).toMatch(/cannot tell a writer's forgery from a genuine line/)
    expect([...trust.standings]).toEqual([[1, 'unbacked']])
  })
})
