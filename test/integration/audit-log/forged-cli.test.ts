import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { appendEntry } from '../../../src/audit/append.js'
import { formatLine, sha256Hex } from '../../../src/audit/format.js'
import { GitAuditStore } from '../../../src/audit/git-store.js'
import { runCli } from '../../../src/cli/main.js'
import { silentLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGitRunner } from '../../../src/git/git.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { clone, git, makeRemote, scratch } from './fixtures.js'

/**
 * The attack end to end through `model-governance verify-audit`: three appends by the
 * suite, then two forged lines (correct seq and prev, back-dated ts, invented approvals)
 * committed by someone with write access. Before the history check the forgery verified even
 * with --expected-sha256 of the old head; now it is caught by default, line and commit named,
 * and the run check finds GitHub knows neither run.
 */
describe('verify-audit catches the forged-line attack', () => {
  let ws: string
  let headBefore: string
  let forger: string
  let github: GithubFake

  beforeAll(async () => {
    const root = scratch('forged-cli')
    ws = clone(makeRemote(root), path.join(root, 'ws'))
    for (let i = 0; i < 3; i++) {
      const store = new GitAuditStore(
        createGitRunner(silentLogger, ws),
        {
          repoDir: ws,
          file: 'AUDIT.log',
          branch: 'main',
          push: true,
          author: {
            name: 'github-actions[bot]',
            email: '41898282+github-actions[bot]@users.noreply.github.com'
          }
        },
        silentLogger
      )
      await appendEntry(
        store,
        sampleFields(i, { event: 'promote' }),
        'AUDIT.log',
        { maxAttempts: 3, backoffMs: 10 },
        {
          logger: silentLogger,
          clock: systemClock
        }
      )
    }
    const file = path.join(ws, 'AUDIT.log')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    headBefore = sha256Hex(lines[2]!)
    let prev = headBefore
    const forged: string[] = []
    for (const seq of [4, 5]) {
      const line = formatLine(
        sampleFields(46 + seq, {
          ts: '2026-11-20T09:00:00.000Z',
          approvals: [
            { login: 'carol', state: 'approved', comment: '', environments: ['production'] }
          ]
        }),
        seq,
        prev
      )
      forged.push(line)
      prev = sha256Hex(line)
    }
    writeFileSync(file, `${lines.join('\n')}\n${forged.join('\n')}\n`)
    git(ws, [
      '-c',
      'user.name=Mallory',
      '-c',
      'user.email=mallory@example.com',
      'commit',
      '--quiet',
      '-am',
      'Audit: promote'
    ])
    forger = git(ws, ['rev-parse', 'HEAD']).trim()

    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setBranch(
      'acme/models',
      'main',
      git(ws, ['rev-list', '--reverse', 'HEAD']).trim().split('\n')
    )
    github.setEnvironment('acme/models', 'production', {
      reviewers: ['bob'],
      branchPolicy: 'protected'
    })
    const pin = 'a'.repeat(40)
    for (let i = 0; i < 3; i++) {
      // Real runs of the default branch's caller, titled by its run-name (sampleFields(i)).
      github.setRun('acme/models', String(1000 + i), {
        path: '.github/workflows/promote.yml',
        actor: 'alice',
        createdAt: '2026-11-26T05:00:00Z',
        headSha: git(ws, ['rev-list', '--max-parents=0', 'HEAD']).trim(),
        displayTitle: `promote churn-${i % 4} v${i + 1} to Production`,
        referencedWorkflows: [
          { path: `acme/models/.github/workflows/model-approval.yml@${pin}`, sha: pin }
        ]
      })
      github.setPendingDeployments('acme/models', String(1000 + i), ['production'])
      github.setApprovals('acme/models', String(1000 + i), [
        { login: 'bob', state: 'approved', comment: 'ok' }
      ])
    }
  })
  afterAll(() => github.close())

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(args, {
      env,
      cwd: ws,
      stdout: { write: t => void out.push(t), isTTY: false },
      stderr: { write: t => void err.push(t) }
    })
    return { code, stdout: out.join(''), stderr: err.join('') }
  }

  it('passed before: the chain alone accepts it, even anchored at the old head', async () => {
    const result = await run([
      'verify-audit',
      '--no-history',
      '--expected-sha256',
      headBefore,
      '--json'
    ])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, entries: 5 })
  })

  it('is caught by default, with the line and the commit named', async () => {
    const result = await run(['verify-audit', '--expected-sha256', headBefore, '--json'])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      valid: boolean
      first_bad_line: number
      first_bad_commit: string
      history: { findings: { line: number; commit: string; reason: string }[] }
    }
    expect(doc).toMatchObject({ valid: false, first_bad_line: 4, first_bad_commit: forger })
    expect(doc.history.findings.map(f => [f.line, f.commit])).toEqual([
      [4, forger],
      [5, forger]
    ])
    const table = await run(['verify-audit', '--expected-sha256', headBefore])
    expect(table.stdout).toContain(
      `Broken: line 4 (commit ${forger.slice(0, 12)}) was added by commit`
    )
    expect(table.stdout).toContain('Mallory <mallory@example.com>')
  })

  it('allowing the forger as an audit identity still fails the two-line commit', async () => {
    const result = await run([
      'verify-audit',
      '--audit-identities',
      'Mallory <mallory@example.com>',
      '--json'
    ])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      history: { findings: { line: number; reason: string }[] }
    }
    // The suite's own lines now fail the identity check, and the forged ones the one-line rule.
    expect(doc.history.findings.map(f => f.line)).toEqual([1, 2, 3, 4, 5])
    expect(doc.history.findings[3]!.reason).toContain('added 2 lines at once')
    expect(doc.history.findings[3]!.reason).not.toContain('not by an allowed audit identity')
  })

  it('--check-runs: GitHub confirms the three real runs and knows neither forged one', async () => {
    const result = await run(['verify-audit', '--no-history', '--check-runs', '--json'], {
      GITHUB_TOKEN: 'ghs_verify',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_API_URL: github.uri
    })
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      runs: {
        confirmed: number
        failed: number
        findings: { line: number; part: string; verdict: string }[]
      }
    }
    expect(doc.runs).toMatchObject({ confirmed: 3, failed: 2 })
    expect(doc.runs.findings.map(f => [f.line, f.part, f.verdict])).toEqual([
      [4, 'run', 'failed'],
      [5, 'run', 'failed']
    ])
    expect(result.stdout).not.toContain('ghs_verify')
  })
})
