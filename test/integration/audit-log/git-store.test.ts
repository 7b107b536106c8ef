import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { appendEntry, type AuditStore, type Tip } from '../../../src/audit/append.js'
import { buildEntry } from '../../../src/audit/build-entry.js'
import { sha256Hex } from '../../../src/audit/format.js'
import { GitAuditStore, type GitStoreOptions } from '../../../src/audit/git-store.js'
import { chainOf } from '../../harness/audit-trail.js'
import { MemoryLogger, silentLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGitRunner } from '../../../src/git/git.js'
import { runContext } from '../../../src/github/context.js'
import { runPythonJson } from '../../harness/python.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { clone, git, makeRemote, remoteFile, remoteHead, scratch } from './fixtures.js'

const AUTHOR = { name: 'audit-bot', email: 'audit-bot@example.com' }
const POLICY = { maxAttempts: 5, backoffMs: 10 }
const deps = { logger: silentLogger, clock: systemClock }

function store(
  ws: string,
  options: Partial<GitStoreOptions> = {},
  logger = new MemoryLogger()
): GitAuditStore {
  return new GitAuditStore(
    createGitRunner(logger, ws),
    { repoDir: ws, file: 'AUDIT.log', branch: 'main', push: true, author: AUTHOR, ...options },
    logger
  )
}

function setup(prefix: string): { root: string; remote: string; ws: string } {
  const root = scratch(prefix)
  const remote = makeRemote(root)
  return { root, remote, ws: clone(remote, path.join(root, 'ws')) }
}

describe('GitAuditStore against real git', () => {
  it('creates a dedicated branch from the checked-out commit and leaves the working tree alone', async () => {
    const { remote, ws } = setup('dedicated')
    writeFileSync(path.join(ws, 'scratch.txt'), 'uncommitted work\n')
    const result = await appendEntry(
      store(ws, { branch: 'audit-trail', file: 'audit/AUDIT.log' }),
      sampleFields(0),
      'audit/AUDIT.log',
      POLICY,
      deps
    )
    expect(remoteHead(remote, 'audit-trail')).toBe(result.commitSha)
    expect(git(remote, ['rev-parse', 'audit-trail^']).trim()).toBe(remoteHead(remote, 'main'))
    expect(remoteFile(remote, 'audit-trail', 'audit/AUDIT.log')).toBe(`${result.line}\n`)
    expect(git(remote, ['log', '-1', '--format=%an|%cn|%ce', 'audit-trail']).trim()).toBe(
      'audit-bot|audit-bot|audit-bot@example.com'
    )
    expect(git(ws, ['status', '--porcelain']).trim()).toBe('?? scratch.txt')
    expect(git(ws, ['for-each-ref', 'refs/audit-log']).trim()).toBe('')
    const second = await appendEntry(
      store(ws, { branch: 'audit-trail', file: 'audit/AUDIT.log' }),
      sampleFields(1),
      'audit/AUDIT.log',
      POLICY,
      deps
    )
    expect(second.seq).toBe(2)
  })

  it('push: false commits locally, fast-forwarding the checked-out branch, and leaves the remote alone', async () => {
    const { remote, ws } = setup('local')
    const before = remoteHead(remote, 'main')
    const result = await appendEntry(
      store(ws, { push: false }),
      sampleFields(0),
      'AUDIT.log',
      POLICY,
      deps
    )
    expect(git(ws, ['rev-parse', 'HEAD']).trim()).toBe(result.commitSha)
    expect(git(ws, ['status', '--porcelain']).trim()).toBe('')
    expect(remoteHead(remote, 'main')).toBe(before)
    // A branch that is not checked out moves by compare-and-set (update-ref with the old value).
    const other = await appendEntry(
      store(ws, { push: false, branch: 'audit-local' }),
      sampleFields(1),
      'AUDIT.log',
      POLICY,
      deps
    )
    expect(git(ws, ['rev-parse', 'refs/heads/audit-local']).trim()).toBe(other.commitSha)
    expect(other.seq).toBe(2)
  })

  it('rebuilds on the new tip when another runner pushed between its fetch and its push', async () => {
    const { root, remote, ws } = setup('race')
    const rival = clone(remote, path.join(root, 'rival'))
    const mine = store(ws)
    let rivalResult: Awaited<ReturnType<typeof appendEntry>> | undefined
    // Lets the rival win exactly once, after our first read and before our first push.
    const interleaved: AuditStore = {
      description: mine.description,
      readTip: () => mine.readTip(),
      write: async (tip: Tip, content: Buffer, message: string) => {
        if (!rivalResult)
          rivalResult = await appendEntry(store(rival), sampleFields(7), 'AUDIT.log', POLICY, deps)
        return mine.write(tip, content, message)
      }
    }
    const result = await appendEntry(interleaved, sampleFields(8), 'AUDIT.log', POLICY, deps)
    expect(result).toMatchObject({ seq: 2, attempts: 2 })
    expect(remoteFile(remote, 'main', 'AUDIT.log')).toBe(`${rivalResult!.line}\n${result.line}\n`)
    expect(JSON.parse(result.line)).toMatchObject({ prev: rivalResult!.sha256 })
  })

  it('stores a hostile 10,000-character reason escaped and cut to 2,000, and an independent verifier agrees', async () => {
    const { root, remote, ws } = setup('reason')
    const hostile = `line one\nline "two"\r\n\u0000\u0007\u001b[31m\u0085\u2028\u2029\\ 😀 `
      .repeat(300)
      .slice(0, 10_000)
    const built = buildEntry(
      { event: 'promote', model: 'churn', reason: hostile },
      runContext({}),
      [],
      '',
      Date.now()
    )
    const first = await appendEntry(store(ws), built.fields, 'AUDIT.log', POLICY, deps)
    const second = await appendEntry(store(ws), sampleFields(1), 'AUDIT.log', POLICY, deps)
    const file = path.join(root, 'fetched.log')
    writeFileSync(file, remoteFile(remote, 'main', 'AUDIT.log'))
    const stored = JSON.parse(first.line) as { reason: string }
    expect(Array.from(stored.reason)).toHaveLength(2000)
    expect(hostile.startsWith(stored.reason)).toBe(true)
    // eslint-disable-next-line no-control-regex
    expect(first.line).not.toMatch(/[\u0000-\u001f\u0085\u2028\u2029]/)
    expect(await chainOf(file)).toMatchObject({
      valid: true,
      entries: 2,
      headSha256: second.sha256
    })
    expect(runPythonJson('audit_verify.py', [file])).toEqual({
      valid: true,
      entries: 2,
      head: second.sha256,
      bad_line: null
    })
    expect(sha256Hex(first.line)).toBe((JSON.parse(second.line) as { prev: string }).prev)
  })
})
