import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { appendEntry } from '../../../src/audit/append.js'
import type { AuditEntry } from '../../../src/audit/entry.js'
import type { EntryFields } from '../../../src/audit/format.js'
import { GitAuditStore } from '../../../src/audit/git-store.js'
import { githubTrust, type GithubTrust } from '../../../src/audit/run-verdict.js'
import { runCli } from '../../../src/cli/main.js'
import { silentLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGitRunner } from '../../../src/git/git.js'
import { createRunsClient } from '../../../src/github/runs.js'
import { policyResolver, runCheckFacts } from '../../../src/policy/index.js'
import { startGithubFake, type FakeRun, type GithubFake } from '../../harness/github-fake.js'
import { ROOT } from '../../harness/paths.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { clone, git, makeRemote, scratch } from './fixtures.js'

/**
 * Issue "Trust": each way a writer with push access made the run check confirm an entry GitHub's
 * record does not back, one test each, on real git repositories (the audit log appended by the
 * suite's git store, as the suite's identity with its Audit-Line trailer, so the history check
 * passes every forged line here) against the strict GitHub stand-in. A genuine promotion, a
 * rejection and a rollback stay governed throughout.
 */
const REPO = 'acme/models'
const MODEL = 'churn-classifier'
const PIN = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'
const APPROVAL = `acme-ml/model-governance/.github/workflows/model-approval.yml@${PIN}`
const POLICY = `version: 1
stages:
  - name: Staging
  - name: Production
    requires_approval: true
    approvers: [bob]
governance:
  caller_workflows: [.github/workflows/promote.yml, .github/workflows/rollback.yml]
  approval_workflows: [${APPROVAL}]
`
const BOT = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}
const BOB = { login: 'bob', state: 'approved', comment: 'ok', environments: ['production'] }

let github: GithubFake
let remote: string
let root: string
let seed: string
let clones = 0

function fields(runId: string, more: Partial<EntryFields>): EntryFields {
  return sampleFields(Number(runId) % 1000, {
    model: MODEL,
    from: 'Staging',
    to: 'Production',
    event: 'promote',
    outcome: 'success',
    run_id: runId,
    run_attempt: '1',
    approvals: [],
    ...more
  })
}

/** Appends as the suite does: its store, its bot identity, its Audit-Line trailer. */
async function append(ws: string, entry: EntryFields, push = true): Promise<void> {
  const store = new GitAuditStore(
    createGitRunner(silentLogger, ws),
    { repoDir: ws, file: 'AUDIT.log', branch: 'main', push, author: BOT },
    silentLogger
  )
  await appendEntry(
    store,
    entry,
    'AUDIT.log',
    { maxAttempts: 3, backoffMs: 10 },
    {
      logger: silentLogger,
      clock: systemClock
    }
  )
}

function run(id: string, more: Partial<FakeRun> = {}): void {
  github.setRun(REPO, id, {
    path: '.github/workflows/promote.yml',
    actor: 'alice',
    createdAt: '2026-11-26T05:00:00Z',
    referencedWorkflows: [{ path: APPROVAL, sha: PIN }],
    headSha: seed,
    ...more
  })
}

function approve(id: string, state: 'approved' | 'rejected' = 'approved'): void {
  github.setPendingDeployments(REPO, id, ['production'])
  github.setApprovals(REPO, id, [{ login: 'bob', state, comment: 'ok', environment: 'production' }])
}

/** A fresh clone of the genuine trail with `forged` appended as the suite's identity, judged. */
async function attack(...forged: EntryFields[]): Promise<{ trust: GithubTrust; last: number }> {
  const ws = clone(remote, path.join(root, `attack-${++clones}`))
  // Committed in the clone only, so every attack starts from the genuine trail.
  for (const f of forged) await append(ws, f, false)
  return { trust: await judge(ws), last: 4 + forged.length }
}

async function judge(ws: string): Promise<GithubTrust> {
  const lines = readFileSync(path.join(ws, 'AUDIT.log'), 'utf8').trim().split('\n')
  return githubTrust({
    entries: lines.map((l, i) => ({ line: i + 1, entry: JSON.parse(l) as AuditEntry })),
    client: createRunsClient('ghs_verify', github.uri),
    repository: REPO,
    policy: runCheckFacts(policyResolver({ workspace: ws, logger: silentLogger })),
    clock: systemClock
  })
}

const partsOf = (trust: GithubTrust, line: number): string[] => [
  ...new Set(trust.result!.findings.filter(f => f.line === line).map(f => f.part))
]

/** The genuine lines 1-4 stay governed whatever was appended after them. */
function genuineStillGoverned(trust: GithubTrust): void {
  expect([1, 2, 3, 4].map(l => trust.standings.get(l))).toEqual([
    'governed',
    'governed',
    'governed',
    'governed'
  ])
}

beforeAll(async () => {
  root = scratch('run-attacks')
  remote = makeRemote(root, {
    '.github/model-governance.yml': POLICY,
    '.github/workflows/promote.yml': readFileSync(
      path.join(ROOT, 'examples', 'workflows', 'promote.yml')
    ),
    '.github/workflows/rollback.yml': readFileSync(
      path.join(ROOT, 'examples', 'workflows', 'rollback.yml')
    )
  })
  const ws = clone(remote, path.join(root, 'genuine'))
  seed = git(ws, ['rev-parse', 'HEAD']).trim()
  github = await startGithubFake()
  github.setRepository(REPO, { defaultBranch: 'main' })
  github.setEnvironment(REPO, 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
  // The genuine trail: v1 to Production, v2 to Production rejected, v2 approved, rolled back to v1.
  run('2001', { displayTitle: `promote ${MODEL} v1 to Production` })
  approve('2001')
  run('2002', { displayTitle: `promote ${MODEL} v2 to Production`, conclusion: 'failure' })
  approve('2002', 'rejected')
  run('2003', { displayTitle: `promote ${MODEL} v2 to Production` })
  approve('2003')
  run('2004', {
    path: '.github/workflows/rollback.yml',
    displayTitle: `rollback ${MODEL} to Production`
  })
  approve('2004')
  await append(ws, fields('2001', { version: '1', previous_version: '', approvals: [BOB] }))
  await append(
    ws,
    fields('2002', {
      event: 'approval-rejected',
      outcome: 'failure',
      version: '2',
      previous_version: '1',
      approvals: [{ ...BOB, state: 'rejected' }]
    })
  )
  await append(ws, fields('2003', { version: '2', previous_version: '1', approvals: [BOB] }))
  await append(
    ws,
    fields('2004', {
      event: 'rollback',
      from: 'Production',
      version: '1',
      previous_version: '2',
      approvals: [BOB]
    })
  )
  github.setBranch(REPO, 'main', git(ws, ['rev-list', '--reverse', 'HEAD']).trim().split('\n'))

  // The attacker's side branch, with a commit of their own, and the runs they made there.
  git(ws, ['checkout', '--quiet', '-b', 'feature'])
  git(ws, ['commit', '--quiet', '--allow-empty', '-m', 'side'])
  git(ws, ['push', '--quiet', 'origin', 'feature'])
  git(ws, ['checkout', '--quiet', 'main'])
  const side = git(ws, ['rev-parse', 'feature']).trim()
  github.setBranch(
    REPO,
    'feature',
    git(ws, ['rev-list', '--reverse', 'feature']).trim().split('\n')
  )
  run('3001', {
    headBranch: 'feature',
    headSha: side,
    displayTitle: `promote ${MODEL} v3 to Staging`
  })
  run('3002', {
    event: 'push',
    path: '.github/workflows/model-approval.yml',
    headBranch: 'feature',
    headSha: side,
    referencedWorkflows: [],
    displayTitle: 'side'
  })
  // Real runs of the default branch, each misused by one forged line below.
  run('3003', { displayTitle: `promote ${MODEL} v3 to Staging`, conclusion: 'failure' })
  run('3004', { displayTitle: `promote ${MODEL} v3 to Production` })
  run('3005', {
    displayTitle: `promote ${MODEL} v3 to Staging`,
    referencedWorkflows: [
      { path: 'acme-ml/model-governance/.github/workflows/model-approval.yml@main', sha: PIN }
    ]
  })
  const other = 'e'.repeat(40)
  run('3006', {
    displayTitle: `promote ${MODEL} v3 to Staging`,
    referencedWorkflows: [
      { path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${other}`, sha: other }
    ]
  })
  run('3007', { displayTitle: `promote ${MODEL} v3 to Staging` })
  run('3008', { displayTitle: `promote ${MODEL} v3 to Production` })
  approve('3008')
  run('3009', { displayTitle: `promote ${MODEL} v3 to Production` })
  approve('3009')
})
afterAll(() => github.close())

describe('the genuine trail', () => {
  it('a promotion, a rejection and a rollback pass every check', async () => {
    const trust = await judge(path.join(root, 'genuine'))
    expect(trust.result!.findings).toEqual([])
    expect(trust.verdict.state).toBe('verified')
    genuineStillGoverned(trust)
  })
})

describe('each attack is refused by the run check', () => {
  it('a forged Production promotion as github-actions[bot] with a correct Audit-Line trailer', async () => {
    const ws = clone(remote, path.join(root, `attack-${++clones}`))
    await append(
      ws,
      fields('4242', { version: '9', previous_version: '1', approvals: [BOB] }),
      false
    )
    const env = {
      GITHUB_TOKEN: 'ghs_verify',
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: github.uri
    }
    const out: string[] = []
    const code = await runCli(['verify-audit', '--check-runs', '--json'], {
      env,
      cwd: ws,
      stdout: { write: t => void out.push(t), isTTY: false },
      stderr: { write: () => undefined }
    })
    const doc = JSON.parse(out.join('')) as {
      valid: boolean
      history: { checked: boolean; findings: unknown[] }
      runs: { findings: { line: number; part: string }[] }
    }
    // The history check cannot tell: author and trailer are the suite's.
    expect(doc.history).toMatchObject({ checked: true, findings: [] })
    // GitHub's record can: it knows no such run.
    expect(doc.runs.findings).toEqual([expect.objectContaining({ line: 5, part: 'run' })])
    expect(doc.valid).toBe(false)
    expect(code).toBe(1)
  })

  it('a run the attacker dispatched from a side branch', async () => {
    const { trust, last } = await attack(fields('3001', { version: '3', to: 'Staging' }))
    expect(partsOf(trust, last)).toEqual(['branch'])
    expect(trust.standings.get(last)).toBe('refused')
    genuineStillGoverned(trust)
  })

  it('a push-triggered run of a file named model-approval.yml', async () => {
    const { trust, last } = await attack(fields('3002', { version: '3', to: 'Staging' }))
    expect(partsOf(trust, last)).toEqual(
      expect.arrayContaining(['event', 'workflow', 'branch', 'approval-workflow'])
    )
    expect(trust.standings.get(last)).toBe('refused')
  })

  it('a run whose conclusion is failure, recorded as a successful promotion', async () => {
    const { trust, last } = await attack(fields('3003', { version: '3', to: 'Staging' }))
    expect(partsOf(trust, last)).toEqual(['conclusion'])
  })

  it('approvals: [] for a stage that needs approval', async () => {
    const { trust, last } = await attack(fields('3004', { version: '3', approvals: [] }))
    expect(partsOf(trust, last)).toEqual(['approvals'])
    expect(trust.result!.findings.find(f => f.line === last)!.reason).toMatch(
      /no approval of environment production.*requires approval/
    )
  })

  it('a run that called model-approval.yml unpinned (@main) or at another ref', async () => {
    const { trust, last } = await attack(
      fields('3005', { version: '3', to: 'Staging' }),
      fields('3006', { version: '3', to: 'Staging' })
    )
    expect(partsOf(trust, last - 1)).toEqual(['approval-workflow'])
    expect(partsOf(trust, last)).toEqual(['approval-workflow'])
  })

  it('a real run reused for another version, or another model', async () => {
    const { trust, last } = await attack(
      fields('3007', { version: '9', to: 'Staging' }),
      fields('3007', { version: '3', to: 'Staging', model: 'fraud-model', run_attempt: '1' })
    )
    expect(partsOf(trust, last - 1)).toEqual(['title'])
    // The second also names a run attempt the first already claimed.
    expect(partsOf(trust, last)).toEqual(['title', 'reuse'])
  })

  it('two entries naming one run', async () => {
    const { trust, last } = await attack(
      fields('2003', { version: '2', previous_version: '1', approvals: [BOB] })
    )
    expect(partsOf(trust, last)).toEqual(['reuse'])
    // The first entry of that run keeps its standing.
    expect(trust.standings.get(3)).toBe('governed')
  })

  it('a review whose environments list is empty', async () => {
    const { trust, last } = await attack(
      fields('3008', { version: '3', approvals: [{ ...BOB, environments: [] }] })
    )
    expect(partsOf(trust, last)).toEqual(['approvals'])
    expect(trust.result!.findings.find(f => f.line === last)!.reason).toMatch(
      /names no environment/
    )
  })

  it('an invented role', async () => {
    const { trust, last } = await attack(
      fields('3009', { version: '3', approvals: [{ ...BOB, role: 'CEO' }] })
    )
    expect(partsOf(trust, last)).toEqual(['approvals'])
    expect(trust.result!.findings.find(f => f.line === last)!.reason).toMatch(
      /role "CEO", which the policy's stage Production does not have/
    )
  })

  it('the evidence pack no longer shows a misleading entry as verified approvals', async () => {
    const ws = clone(remote, path.join(root, `attack-${++clones}`))
    await append(ws, fields('3009', { version: '3', approvals: [{ ...BOB, role: 'CEO' }] }), false)
    const evidence = async (env: NodeJS.ProcessEnv) => {
      const out: string[] = []
      await runCli(['evidence', MODEL, '--version', '3', '--json'], {
        env,
        cwd: ws,
        stdout: { write: t => void out.push(t), isTTY: false },
        stderr: { write: () => undefined }
      })
      return JSON.parse(out.join('')) as {
        verification: { github: { state: string; note: string } }
        events: { seq: number; github_finding: string | null }[]
        promotions: { seq: number; github: string }[]
      }
    }
    const checked = await evidence({
      GITHUB_TOKEN: 'ghs_verify',
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: github.uri
    })
    expect(checked.verification.github.state).toBe('findings')
    // Listed with GitHub's finding, never as a promotion with approvals.
    expect(checked.events).toEqual([
      expect.objectContaining({ seq: 5, github_finding: expect.stringMatching(/role "CEO"/) })
    ])
    expect(checked.promotions).toEqual([])
    // Without a token the pack says it cannot tell, and marks the approvals unconfirmed.
    const unchecked = await evidence({})
    expect(unchecked.verification.github).toMatchObject({ state: 'not-available' })
    expect(unchecked.verification.github.note).toMatch(/cannot tell a writer's forgery/)
    expect(unchecked.promotions).toEqual([
      expect.objectContaining({ seq: 5, github: 'not-checked' })
    ])
  })
})
