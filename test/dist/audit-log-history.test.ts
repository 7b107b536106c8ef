import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, sha256Hex } from '../../src/audit/format.js'
import { NODE_VERSIONS, runDist, type NodeVersion } from '../harness/dist-runner.js'
import { startGithubFake, type GithubFake } from '../harness/github-fake.js'
import { sampleFields } from '../harness/audit-sample.js'
import { clone, git, makeRemote, scratch } from '../integration/audit-log/fixtures.js'

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'alice',
  GITHUB_TRIGGERING_ACTOR: 'alice',
  GITHUB_WORKFLOW_REF: 'acme/models/.github/workflows/promote.yml@refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com'
}
const PROMOTE = { event: 'promote', 'model-name': 'churn', version: '7', from: 'Staging', to: 'Production', 'backoff-ms': '50' }

/**
 * The bundled action's verify mode against the attack: two appends by the bundle (with
 * the run's reviews read from the strict GitHub stand-in), then two forged lines with a correct
 * seq and prev, a back-dated ts and invented approvals, committed and pushed by someone else.
 */
describe.each(NODE_VERSIONS)('audit-log verify with history and run checks on %s', (node: NodeVersion) => {
  let github: GithubFake
  let ws: string
  let forger: string
  let secondSha: string
  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
    const root = scratch(`dist-history-${node}`)
    ws = clone(makeRemote(root), path.join(root, 'ws'))
    const seed = git(ws, ['rev-parse', 'HEAD']).trim()
    // One run per append (one run attempt backs one entry), each titled by the caller's run-name.
    for (const [id, version] of [['4242', '7'], ['4243', '8']] as const) {
      github.setRun('acme/models', id, {
        path: '.github/workflows/promote.yml',
        actor: 'alice',
        createdAt: '2026-01-01T00:00:00Z',
        headSha: seed,
        displayTitle: `promote churn v${version} to Production`,
        referencedWorkflows: [{ path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${'a'.repeat(40)}`, sha: 'a'.repeat(40) }]
      })
      github.setPendingDeployments('acme/models', id, ['production'])
      github.setApprovals('acme/models', id, [{ login: 'bob', state: 'approved', comment: 'ok' }])
    }
    for (const [id, version] of [['4242', '7'], ['4243', '8']] as const) {
      const env = { ...RUN_ENV, GITHUB_RUN_ID: id, GITHUB_API_URL: github.uri }
      const appended = await runDist('audit-log', { ...PROMOTE, version, token: 'ghs_append' }, { node, workspace: ws, env })
      expect(appended.code).toBe(0)
      secondSha = appended.outputs.sha256!
    }
    const file = path.join(ws, 'AUDIT.log')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(JSON.parse(lines[1]!)).toMatchObject({ approvals: [{ login: 'bob', state: 'approved' }] })
    let prev = sha256Hex(lines[1]!)
    for (const seq of [3, 4]) {
      const line = formatLine(
        sampleFields(seq, {
          ts: '2026-01-02T00:00:00.000Z',
          repository: 'acme/models',
          run_id: String(9000 + seq),
          approvals: [{ login: 'carol', state: 'approved', comment: '', environments: ['production'] }]
        }),
        seq,
        prev
      )
      lines.push(line)
      prev = sha256Hex(line)
    }
    writeFileSync(file, `${lines.join('\n')}\n`)
    git(ws, ['-c', 'user.name=Mallory', '-c', 'user.email=mallory@example.com', 'commit', '--quiet', '-am', 'Audit: promote churn v9'])
    git(ws, ['push', '--quiet', 'origin', 'main'])
    forger = git(ws, ['rev-parse', 'HEAD']).trim()
    github.setBranch('acme/models', 'main', git(ws, ['rev-list', '--reverse', 'HEAD']).trim().split('\n'))
  })
  afterAll(() => github.close())

  it('by default fails at the first forged line, naming it and the commit', async () => {
    const verify = await runDist('audit-log', { mode: 'verify', 'expected-sha256': secondSha }, { node, workspace: ws })
    expect(verify.code).toBe(1)
    expect(verify.outputs).toMatchObject({ valid: 'false', 'first-bad-line': '3', entries: '4' })
    const findings = JSON.parse(verify.outputs['history-findings']!) as { line: number; commit: string; reason: string }[]
    expect(findings.map(f => [f.line, f.commit])).toEqual([
      [3, forger],
      [4, forger]
    ])
    expect(findings[0]!.reason).toContain('Mallory <mallory@example.com>')
    expect(verify.commands.find(c => c.command === 'error')?.properties).toContain('line=3')
    expect(verify.summary).toContain(forger.slice(0, 12))
  })

  it('with history: false the chain alone still accepts the forgery (why the history check is on by default)', async () => {
    const verify = await runDist('audit-log', { mode: 'verify', history: 'false', 'expected-sha256': secondSha }, { node, workspace: ws })
    expect(verify.code).toBe(0)
    expect(verify.outputs.valid).toBe('true')
  })

  it('with a token, GitHub confirms the bundle-written entries and knows neither forged run', async () => {
    const verify = await runDist(
      'audit-log',
      { mode: 'verify', history: 'false', token: 'ghs_verify' },
      { node, workspace: ws, env: { ...RUN_ENV, GITHUB_API_URL: github.uri } }
    )
    expect(verify.code).toBe(1)
    const findings = JSON.parse(verify.outputs['run-findings']!) as { line: number; part: string; verdict: string }[]
    expect(findings.map(f => [f.line, f.part, f.verdict])).toEqual([
      [3, 'run', 'failed'],
      [4, 'run', 'failed']
    ])
    expect(verify.summary).toContain('4 entries checked against GitHub\'s record of their runs: 2 confirmed, 2 failed')
  })
})
