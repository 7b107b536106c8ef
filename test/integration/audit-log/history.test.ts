import { describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { appendEntry } from '../../../src/audit/append.js'
import { formatLine, sha256Hex } from '../../../src/audit/format.js'
import { GitAuditStore } from '../../../src/audit/git-store.js'
import { SUITE_IDENTITIES } from '../../../src/audit/identities.js'
import { readTrail, type TrailOptions } from '../../../src/audit/trail.js'
import type { TrustReport } from '../../../src/audit/trust.js'
import { silentLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGitRunner } from '../../../src/git/git.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { clone, git, makeRemote, scratch } from './fixtures.js'

const BOT = { name: SUITE_IDENTITIES[0]!.name!, email: SUITE_IDENTITIES[0]!.email }
const POLICY = { maxAttempts: 5, backoffMs: 10 }

/** Appends through the suite's own path: appendEntry + GitAuditStore, pushed to the remote. */
async function suiteAppend(ws: string, i: number, author = BOT): Promise<string> {
  const store = new GitAuditStore(
    createGitRunner(silentLogger, ws),
    { repoDir: ws, file: 'AUDIT.log', branch: 'main', push: true, author },
    silentLogger
  )
  const result = await appendEntry(store, sampleFields(i), 'AUDIT.log', POLICY, {
    logger: silentLogger,
    clock: systemClock
  })
  return result.commitSha
}

function setup(prefix: string): { root: string; remote: string; ws: string } {
  const root = scratch(prefix)
  const remote = makeRemote(root)
  return { root, remote, ws: clone(remote, path.join(root, 'ws')) }
}

/** The attack: lines with a correct seq and prev, a back-dated ts and invented approvals. */
function forgedLines(file: string, count: number): string[] {
  const existing = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  const out: string[] = []
  let prev = sha256Hex(existing[existing.length - 1]!)
  for (let k = 0; k < count; k++) {
    const seq = existing.length + k + 1
    const line = formatLine(
      sampleFields(50 + k, {
        ts: '2026-11-20T09:00:00.000Z',
        version: '9',
        to: 'Production',
        approvals: [
          { login: 'carol', state: 'approved', comment: 'lgtm', environments: ['production'] }
        ]
      }),
      seq,
      prev
    )
    out.push(line)
    prev = sha256Hex(line)
  }
  return out
}

/** The trusted reader as verify runs it (a shallow clone refused), reduced to its report. */
async function verifyTrail(file: string, options: TrailOptions = {}): Promise<TrustReport> {
  return (await readTrail(file, { requireHistory: true, ...options })).report
}

/** Lines the history check does not fail, as readers count them. */
function trustedLine(report: TrustReport): (line: number) => boolean {
  const failed = 'failedLines' in report.history ? report.history.failedLines : new Set<number>()
  return line => line <= report.chain.entries && !failed.has(line)
}

const MALLORY = ['-c', 'user.name=Mallory', '-c', 'user.email=mallory@example.com']

describe('history check on real git repositories', () => {
  it('passes appends made by the suite, each named in its Audit-Line trailer', async () => {
    const { ws } = setup('history-ok')
    for (let i = 0; i < 4; i++) await suiteAppend(ws, i)
    const report = await verifyTrail(path.join(ws, 'AUDIT.log'))
    expect(report.chain.entries).toBe(4)
    expect(report.history).toMatchObject({ commits: 4, findings: [], contentReads: 0 })
    expect(report.valid).toBe(true)
    const message = git(ws, ['log', '-1', '--format=%B'])
    const last = readFileSync(path.join(ws, 'AUDIT.log'), 'utf8').trim().split('\n')[3]!
    expect(message).toContain(`Audit-Line: 4 ${sha256Hex(last)}`)
  })

  it('catches two forged lines appended by another identity, naming each line and the commit', async () => {
    const { ws } = setup('history-forged')
    for (let i = 0; i < 3; i++) await suiteAppend(ws, i)
    const file = path.join(ws, 'AUDIT.log')
    const headBefore = sha256Hex(readFileSync(file, 'utf8').trim().split('\n')[2]!)
    writeFileSync(file, `${readFileSync(file, 'utf8')}${forgedLines(file, 2).join('\n')}\n`)
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'Audit: promote churn v9'])
    const forger = git(ws, ['rev-parse', 'HEAD']).trim()
    // The chain alone, even anchored at the old head, accepts the forgery (the report) ...
    const chainOnly = await verifyTrail(file, { history: false, expectedSha256: headBefore })
    expect(chainOnly.valid).toBe(true)
    // ... and by default the history check names both lines and the commit.
    const report = await verifyTrail(file, { expectedSha256: headBefore })
    expect(report.valid).toBe(false)
    expect(report.firstBad).toMatchObject({ line: 4, commit: forger })
    const findings = 'findings' in report.history ? report.history.findings : []
    expect(findings.map(f => [f.line, f.commit])).toEqual([
      [4, forger],
      [5, forger]
    ])
    expect(findings[0]!.reason).toMatch(
      /Mallory <mallory@example.com>.*not by an allowed audit identity/
    )
    expect(findings[0]!.reason).toContain('added 2 lines at once')
    expect(trustedLine(report)(3)).toBe(true)
    expect(trustedLine(report)(4)).toBe(false)
  })

  it('fails a single forged line by another identity and keeps the suite appends after it', async () => {
    const { ws } = setup('history-one')
    await suiteAppend(ws, 0)
    const file = path.join(ws, 'AUDIT.log')
    writeFileSync(file, `${readFileSync(file, 'utf8')}${forgedLines(file, 1).join('\n')}\n`)
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'one forged line'])
    git(ws, ['push', '--quiet', 'origin', 'main'])
    await suiteAppend(ws, 2)
    const report = await verifyTrail(file)
    const findings = 'findings' in report.history ? report.history.findings : []
    expect(report.chain.entries).toBe(3)
    expect(findings.map(f => f.line)).toEqual([2])
    // The suite's later append on top of the forgery is itself fine.
    expect(trustedLine(report)(3)).toBe(true)
    expect(trustedLine(report)(2)).toBe(false)
  })

  it('fails an edit of an old line in a later commit, even with the chain recomputed', async () => {
    const { ws } = setup('history-edit')
    for (let i = 0; i < 4; i++) await suiteAppend(ws, i)
    const file = path.join(ws, 'AUDIT.log')
    // Rewrite line 2 (invented approvals) and re-chain lines 3 and 4, so the chain verifies again.
    const old = readFileSync(file, 'utf8').trim().split('\n')
    const fields = old.map(l => JSON.parse(l) as Record<string, unknown>)
    const rebuilt: string[] = [old[0]!]
    for (let i = 1; i < old.length; i++) {
      const { v: _v, seq: _s, prev: _p, ...rest } = fields[i]!
      if (i === 1)
        rest.approvals = [
          { login: 'carol', state: 'approved', comment: '', environments: ['production'] }
        ]
      rebuilt.push(formatLine(rest as never, i + 1, sha256Hex(rebuilt[i - 1]!)))
    }
    writeFileSync(file, `${rebuilt.join('\n')}\n`)
    // Committed with the bot's own name: identity alone would not catch it; the old trailers do.
    git(ws, [
      '-c',
      `user.name=${BOT.name}`,
      '-c',
      `user.email=${BOT.email}`,
      'commit',
      '--quiet',
      '-am',
      'fix'
    ])
    const editor = git(ws, ['rev-parse', 'HEAD']).trim()
    const report = await verifyTrail(file)
    expect(report.chain.valid).toBe(true)
    expect(report.valid).toBe(false)
    const findings = 'findings' in report.history ? report.history.findings : []
    expect(findings.map(f => f.line)).toEqual([2, 3, 4])
    expect(findings[0]).toMatchObject({ commit: editor })
    expect(findings[0]!.reason).toMatch(/was changed by commit/)
  })

  it('reports a line added in the working tree but never committed', async () => {
    const { ws } = setup('history-uncommitted')
    await suiteAppend(ws, 0)
    const file = path.join(ws, 'AUDIT.log')
    writeFileSync(file, `${readFileSync(file, 'utf8')}${forgedLines(file, 1).join('\n')}\n`)
    const report = await verifyTrail(file)
    const findings = 'findings' in report.history ? report.history.findings : []
    expect(findings).toEqual([
      { line: 2, commit: '', reason: expect.stringContaining('is in no commit') }
    ])
  })

  it('detects a rewritten, force-pushed history against a clone that kept the old one', async () => {
    const { root, remote, ws } = setup('history-rewrite')
    for (let i = 0; i < 3; i++) await suiteAppend(ws, i)
    const verifier = clone(remote, path.join(root, 'verifier'))
    const kept = git(verifier, ['rev-parse', 'HEAD']).trim()
    // The attacker rebuilds the history with the bot's identity and trailers, line 2 forged,
    // and force-pushes: on its own the new history is indistinguishable from the suite's.
    const attacker = clone(remote, path.join(root, 'attacker'))
    git(attacker, ['reset', '--quiet', '--hard', 'HEAD~2'])
    const line1 = readFileSync(path.join(attacker, 'AUDIT.log'), 'utf8').trim()
    let prev = sha256Hex(line1)
    let content = `${line1}\n`
    for (let seq = 2; seq <= 3; seq++) {
      const line = formatLine(sampleFields(seq - 1, { version: '9' }), seq, prev)
      content += `${line}\n`
      writeFileSync(path.join(attacker, 'AUDIT.log'), content)
      git(attacker, [
        '-c',
        `user.name=${BOT.name}`,
        '-c',
        `user.email=${BOT.email}`,
        'commit',
        '--quiet',
        '-am',
        `Audit: promote\n\nAudit-Line: ${seq} ${sha256Hex(line)}`
      ])
      prev = sha256Hex(line)
    }
    git(attacker, ['push', '--quiet', '--force', 'origin', 'main'])
    git(verifier, ['fetch', '--quiet', 'origin'])
    git(verifier, ['reset', '--quiet', '--hard', 'origin/main'])
    const file = path.join(verifier, 'AUDIT.log')
    expect((await verifyTrail(file)).valid).toBe(true)
    const report = await verifyTrail(file, { expectedCommit: kept })
    expect(report.valid).toBe(false)
    expect(report.firstBad).toMatchObject({ line: 2, commit: kept })
    expect(report.firstBad!.reason).toMatch(
      /history was rewritten.*no longer an ancestor of HEAD.*line 2 differs/
    )
  })

  it('reads signatures in the same pass: good ones count, a bad one fails its line', async () => {
    const { root, ws } = setup('history-signed')
    // A throw-away key in a private keyring (short path: gpg-agent's socket lives there), given
    // to gpg explicitly: jest's sandboxed process.env does not reach every child process.
    const home = mkdtempSync(path.join(os.tmpdir(), 'mg-gpg-'))
    chmodSync(home, 0o700)
    try {
      execFileSync(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          `${BOT.name} <${BOT.email}>`,
          'ed25519',
          'sign',
          'never'
        ],
        { stdio: 'ignore', env: { ...process.env, GNUPGHOME: home } }
      )
      // git runs gpg through this wrapper, so every git process (jest's sandboxed environment
      // does not reach all of them) signs and verifies with the private keyring.
      const wrapper = path.join(root, 'gpg-wrapper.sh')
      writeFileSync(wrapper, `#!/bin/sh\nGNUPGHOME='${home}' exec gpg "$@"\n`)
      chmodSync(wrapper, 0o755)
      git(ws, ['config', 'gpg.program', wrapper])
      const file = path.join(ws, 'AUDIT.log')
      let prev = '0'.repeat(64)
      let content = ''
      for (let seq = 1; seq <= 2; seq++) {
        const line = formatLine(sampleFields(seq), seq, prev)
        content += `${line}\n`
        writeFileSync(file, content)
        git(ws, ['add', 'AUDIT.log'])
        git(ws, [
          '-c',
          `user.name=${BOT.name}`,
          '-c',
          `user.email=${BOT.email}`,
          'commit',
          '--quiet',
          '-S',
          '-m',
          `Audit: promote\n\nAudit-Line: ${seq} ${sha256Hex(line)}`
        ])
        prev = sha256Hex(line)
      }
      const good = await verifyTrail(file)
      expect(good.valid).toBe(true)
      // Our own key is ultimately trusted in its keyring: good signatures.
      expect(good.history).toMatchObject({ signatures: { G: 2 } })
      // The same commit with its message altered keeps the old signature: git reports it bad.
      const object = git(ws, ['cat-file', 'commit', 'HEAD']).replace(
        'Audit: promote',
        'Audit: promotE'
      )
      const forged = git(ws, ['hash-object', '-t', 'commit', '-w', '--stdin'], object).trim()
      git(ws, ['reset', '--quiet', '--hard', forged])
      const bad = await verifyTrail(file)
      expect(bad.valid).toBe(false)
      expect(bad.firstBad).toMatchObject({ line: 2, commit: forged })
      expect(bad.firstBad!.reason).toContain('has a bad signature')
    } finally {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } })
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('refuses a shallow clone instead of reading it as one big commit', async () => {
    const { root, remote, ws } = setup('history-shallow')
    for (let i = 0; i < 2; i++) await suiteAppend(ws, i)
    const shallow = path.join(root, 'shallow')
    git(root, ['clone', '--quiet', '--depth', '1', `file://${remote}`, shallow])
    await expect(verifyTrail(path.join(shallow, 'AUDIT.log'))).rejects.toThrow(
      /shallow clone; fetch it whole \(actions\/checkout with fetch-depth: 0/
    )
    expect((await verifyTrail(path.join(shallow, 'AUDIT.log'), { history: false })).valid).toBe(
      true
    )
  })
})
