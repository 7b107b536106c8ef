import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { RunCheckPolicy } from '../../../src/audit/run-policy.js'
import { runCheckGithub } from '../../../src/audit/trail-github.js'
import { systemClock, type Clock } from '../../../src/core/time.js'
import { createRunsClient } from '../../../src/github/runs.js'
import { trailOf } from '../../harness/audit-trail.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { buildLines, sampleFields } from '../../harness/audit-sample.js'

/**
 * The one trusted reader with GitHub's record plugged in as its injected step: each entry's
 * standing, which entries count, and the verdict's words, on a file outside git (so the history
 * check says it is not available).
 */
const REPO = 'acme/models'
const NOW = Date.parse('2026-11-26T12:00:00Z')
const clock: Clock = { now: () => NOW, sleep: ms => systemClock.sleep(ms) }
const PIN = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'
const MAIN = ['1', '2', '3'].map(c => c.repeat(40))
const POLICY: RunCheckPolicy = {
  callerWorkflows: ['.github/workflows/promote.yml'],
  driftWorkflows: [],
  approvalWorkflows: [`acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`],
  stage: (_model, target) =>
    target === 'Production'
      ? {
          name: 'Production',
          requiresApproval: true,
          allowSelfApproval: false,
          roles: [{ role: 'Production', environment: 'production', approvers: ['bob'] }]
        }
      : undefined
}
const TEXT = `${buildLines(3, i =>
  sampleFields(i, {
    event: 'promote',
    model: 'churn',
    version: String(i + 1),
    run_id: String(100 + i),
    actor: 'alice',
    ts: '2026-11-26T06:00:00.000Z',
    approvals: [{ login: 'bob', state: 'approved', comment: 'ok', environments: ['production'] }]
  })
).join('\n')}\n`

describe('readTrail', () => {
  let github: GithubFake
  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository(REPO, { defaultBranch: 'main' })
    github.setBranch(REPO, 'main', MAIN)
    github.setEnvironment(REPO, 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
    for (const [id, createdAt] of [
      ['100', '2026-11-26T05:59:00Z'],
      ['101', '2026-11-26T05:59:00Z'],
      ['102', '2025-01-10T08:00:00Z']
    ] as const) {
      const version = String(Number(id) - 99)
      github.setRun(REPO, id, {
        path: '.github/workflows/promote.yml',
        actor: 'alice',
        createdAt,
        headSha: MAIN[2],
        displayTitle: `promote churn v${version} to Production`,
        referencedWorkflows: [
          { path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`, sha: PIN }
        ]
      })
    }
    github.setPendingDeployments(REPO, '100', ['production'])
    github.setApprovals(REPO, '100', [{ login: 'bob', state: 'approved', comment: 'ok' }])
  })
  afterAll(() => github.close())

  it('without GitHub: every verified entry counts, and the verdict says what that cannot tell', async () => {
    const trail = await trailOf(TEXT)
    expect(trail.entries.map(e => [e.line, e.standing, e.counted])).toEqual([
      [1, 'unbacked', true],
      [2, 'unbacked', true],
      [3, 'unbacked', true]
    ])
    expect(trail.verdict.chain.state).toBe('verified')
    expect(trail.verdict.history).toEqual({
      state: 'not-available',
      note: 'git history not available: the file is not in a git repository'
    })
    expect(trail.verdict.github.state).toBe('not-available')
    expect(trail.verdict.statement).toContain('3 of 3 verified entries count.')
    expect(trail.verdict.statement).toContain(
      'a line written by anyone who can push cannot be told from a genuine one'
    )
  })

  it("with GitHub's record: confirmed entries are governed, failed ones refused, the rest unbacked", async () => {
    const trail = await trailOf(TEXT, {
      github: runCheckGithub(
        createRunsClient('ghs_trail', github.uri),
        {
          repository: REPO,
          policy: POLICY,
          approvalsHorizonDays: 90,
          concurrency: 2,
          maxWaitSeconds: 5
        },
        clock
      )
    })
    expect(trail.entries.map(e => [e.line, e.standing, e.counted])).toEqual([
      [1, 'governed', true],
      [2, 'refused', false],
      [3, 'unbacked', false]
    ])
    expect(trail.entries[1]!.why).toMatch(/^GitHub's record does not back it: run 101 approvals/)
    expect(trail.verdict.github.state).toBe('findings')
    expect(trail.verdict.statement).toContain('1 of 3 verified entries count.')
    expect(trail.verdict.statement).not.toContain('cannot be told')
    expect(trail.runs).toMatchObject({ confirmed: 1, failed: 1, unconfirmable: 1 })
  })

  it('select keeps only the entries asked for; the checks and counts still cover every line', async () => {
    const trail = await trailOf(TEXT, { select: e => e.run_id === '101' })
    expect(trail.entries.map(e => e.line)).toEqual([2])
    expect(trail.verdict.statement).toContain('3 of 3 verified entries count.')
  })
})
