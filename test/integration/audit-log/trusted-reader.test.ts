import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { appendEntry } from '../../../src/audit/append.js'
import { formatLine, sha256Hex, type EntryFields } from '../../../src/audit/format.js'
import { GitAuditStore } from '../../../src/audit/git-store.js'
import { SUITE_IDENTITIES } from '../../../src/audit/identities.js'
import { readTrail } from '../../../src/audit/trail.js'
import { runCli } from '../../../src/cli/main.js'
import { silentLogger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { createGitRunner } from '../../../src/git/git.js'
import { effectivePolicy, parsePolicy } from '../../../src/policy/index.js'
import { previousFromAudit } from '../../../src/promotion/rollback.js'
import { everyLineBacked } from '../../harness/audit-trail.js'
import { renderTrail } from '../../../src/provenance/index.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { clone, git, makeRemote, pushFile, scratch } from './fixtures.js'

/**
 * The one trusted reader (src/audit/trail.ts) on real git repositories: net-zero changes (an
 * edit and its revert, a rename away and back, a gitlink and back) leave every genuine line
 * counted; a writer's author name, gitlink or .gitattributes cannot break the check; a forged
 * line the chain accepts is refused by rollback and hidden by `history` and render.
 */
const BOT = { name: SUITE_IDENTITIES[0]!.name!, email: SUITE_IDENTITIES[0]!.email }
const MALLORY = ['-c', 'user.name=Mallory', '-c', 'user.email=mallory@example.com']

async function suiteAppend(ws: string, fields: EntryFields): Promise<void> {
  const store = new GitAuditStore(
    createGitRunner(silentLogger, ws),
    { repoDir: ws, file: 'AUDIT.log', branch: 'main', push: true, author: BOT },
    silentLogger
  )
  await appendEntry(
    store,
    fields,
    'AUDIT.log',
    { maxAttempts: 5, backoffMs: 10 },
    { logger: silentLogger, clock: systemClock }
  )
}

function setup(prefix: string): { root: string; remote: string; ws: string; file: string } {
  const root = scratch(prefix)
  const remote = makeRemote(root)
  const ws = clone(remote, path.join(root, 'ws'))
  return { root, remote, ws, file: path.join(ws, 'AUDIT.log') }
}

/** Lines chained onto the file's last line (what a writer with push access can compute). */
function chainedLines(file: string, fields: EntryFields[]): string[] {
  const existing = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  let prev = sha256Hex(existing[existing.length - 1]!)
  return fields.map((f, k) => {
    const line = formatLine(f, existing.length + k + 1, prev)
    prev = sha256Hex(line)
    return line
  })
}

async function cli(cwd: string, args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, {
    env: {},
    cwd,
    stdout: { write: t => void out.push(t), isTTY: false },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('net-zero changes keep every genuine line', () => {
  it('an edit of a genuine line and its revert: the line still counts, no finding', async () => {
    const { ws, file } = setup('trail-revert')
    for (let i = 0; i < 3; i++) await suiteAppend(ws, sampleFields(i))
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, original.replace('"release 1"', '"release one"'))
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'edit'])
    // While the edit stands, line 2 is refused (its bytes were never appended by a good commit).
    const edited = await readTrail(file, { entries: false, history: true })
    expect(edited.report.chain.valid).toBe(false)
    git(ws, [...MALLORY, 'revert', '--no-edit', 'HEAD'])
    expect(readFileSync(file, 'utf8')).toBe(original)
    const trail = await readTrail(file)
    expect(trail.report.valid).toBe(true)
    expect(trail.report.history).toMatchObject({ commits: 5, findings: [] })
    expect(trail.entries.map(e => [e.line, e.counted])).toEqual([
      [1, true],
      [2, true],
      [3, true]
    ])
    expect(trail.verdict.history.state).toBe('verified')
  })

  it('AUDIT.log renamed away and back: every entry still counts, and the next append too', async () => {
    const { ws, file } = setup('trail-rename')
    for (let i = 0; i < 3; i++) await suiteAppend(ws, sampleFields(i))
    git(ws, [...MALLORY, 'mv', 'AUDIT.log', 'OLD.log'])
    git(ws, [...MALLORY, 'commit', '--quiet', '-m', 'move away'])
    git(ws, [...MALLORY, 'mv', 'OLD.log', 'AUDIT.log'])
    git(ws, [...MALLORY, 'commit', '--quiet', '-m', 'move back'])
    git(ws, ['push', '--quiet', 'origin', 'main'])
    await suiteAppend(ws, sampleFields(3))
    const trail = await readTrail(file)
    expect(trail.report.valid).toBe(true)
    expect(trail.entries.filter(e => e.counted).map(e => e.line)).toEqual([1, 2, 3, 4])
    // A rename away that is not undone leaves nothing to read; a removal without its undo is
    // still reported: cut the last line and the history names it.
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, 3).join('\n') + '\n')
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'cut'])
    const cut = await readTrail(file)
    expect(cut.report.chain.entries).toBe(3)
    expect(cut.report.valid).toBe(false)
    expect(cut.report.firstBad?.reason).toMatch(/appended as line 4 is no longer in the file/)
    expect(cut.entries.every(e => e.counted)).toBe(true)
  })

  it('AUDIT.log turned into a gitlink and back: entries count, the CLI answers in JSON', async () => {
    const { ws, file } = setup('trail-gitlink')
    for (let i = 0; i < 2; i++) await suiteAppend(ws, sampleFields(i))
    const head = git(ws, ['rev-parse', 'HEAD']).trim()
    git(ws, ['rm', '--quiet', '--cached', 'AUDIT.log'])
    git(ws, ['update-index', '--add', '--cacheinfo', `160000,${head},AUDIT.log`])
    git(ws, [...MALLORY, 'commit', '--quiet', '-m', 'gitlink'])
    // At the gitlink: the CLI never exits silently; with --json it prints JSON.
    const during = await cli(ws, ['verify-audit', '--json'])
    expect([0, 1, 2]).toContain(during.code)
    expect(() => JSON.parse(during.stdout) as unknown).not.toThrow()
    git(ws, ['rm', '--quiet', '--cached', 'AUDIT.log'])
    git(ws, ['add', 'AUDIT.log'])
    git(ws, [...MALLORY, 'commit', '--quiet', '-m', 'file again'])
    git(ws, ['push', '--quiet', 'origin', 'main'])
    await suiteAppend(ws, sampleFields(2))
    const trail = await readTrail(file)
    expect(trail.report.valid).toBe(true)
    expect(trail.entries.filter(e => e.counted).map(e => e.line)).toEqual([1, 2, 3])
    const after = await cli(ws, ['verify-audit', '--json'])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout)).toMatchObject({ valid: true, entries: 3 })
  })
})

describe('what a writer controls cannot break the check or blame the wrong thing', () => {
  it('an author name holding \\x1f: that commit is judged, the others still count', async () => {
    const { ws, file } = setup('trail-x1f')
    await suiteAppend(ws, sampleFields(0))
    const [forged] = chainedLines(file, [sampleFields(1, { version: '9' })])
    writeFileSync(file, `${readFileSync(file, 'utf8')}${forged}\n`)
    git(ws, [
      '-c',
      'user.name=Eve\x1fgithub-actions[bot]\x1f41898282',
      '-c',
      'user.email=eve@example.com',
      'commit',
      '--quiet',
      '-am',
      'Audit: promote\x1f\x1e'
    ])
    const eve = git(ws, ['rev-parse', 'HEAD']).trim()
    git(ws, ['push', '--quiet', 'origin', 'main'])
    await suiteAppend(ws, sampleFields(2))
    const trail = await readTrail(file)
    expect(trail.entries.map(e => [e.line, e.counted])).toEqual([
      [1, true],
      [2, false],
      [3, true]
    ])
    const history = trail.report.history
    expect('findings' in history && history.findings).toEqual([
      {
        line: 2,
        commit: eve,
        reason: expect.stringMatching(
          /Eve\?github-actions\[bot\]\?41898282 <eve@example.com>.*not by an allowed audit identity/
        )
      }
    ])
  })

  it('`AUDIT.log text eol=crlf` in .gitattributes: a fresh clone still verifies (the committed blob is read)', async () => {
    const { root, remote, ws } = setup('trail-crlf')
    for (let i = 0; i < 2; i++) await suiteAppend(ws, sampleFields(i))
    pushFile(remote, 'main', '.gitattributes', 'AUDIT.log text eol=crlf\n', 'attributes')
    const fresh = clone(remote, path.join(root, 'fresh'))
    const file = path.join(fresh, 'AUDIT.log')
    // The checkout really did rewrite the line endings: the working tree's bytes break the chain.
    expect(readFileSync(file, 'utf8')).toContain('\r\n')
    const chainOfWorkingTree = await readTrail(file, { history: false })
    expect(chainOfWorkingTree.report.chain.valid).toBe(false)
    const trail = await readTrail(file)
    expect(trail.source).toBe('committed')
    expect(trail.report.valid).toBe(true)
    expect(trail.entries.filter(e => e.counted)).toHaveLength(2)
    const verify = await cli(fresh, ['verify-audit', '--json'])
    expect(verify.code).toBe(0)
  })
})

describe('a forged line the chain accepts is refused by rollback and hidden by history and render', () => {
  const model = 'churn-x'
  const move = (version: string, previous: string, i: number): EntryFields =>
    sampleFields(i, {
      event: 'promote',
      model,
      version,
      from: 'Staging',
      to: 'Production',
      previous_version: previous,
      reason: `genuine ${version}`
    })

  async function forgedTrail(): Promise<{ ws: string; file: string }> {
    const { ws, file } = setup('trail-forged')
    await suiteAppend(ws, move('1', '', 0))
    await suiteAppend(ws, move('2', '1', 1))
    // Two lines under the attacker's own name: v7 "held" Production, then v2 replaced it.
    const forged = chainedLines(file, [
      { ...move('7', '1', 2), reason: 'FORGED seven' },
      { ...move('2', '7', 3), reason: 'FORGED two' }
    ])
    writeFileSync(file, `${readFileSync(file, 'utf8')}${forged.join('\n')}\n`)
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'Audit: promote'])
    return { ws, file }
  }

  it('rollback restores the genuine previous holder, not the forged one', async () => {
    const { file } = await forgedTrail()
    const stage = { kind: 'stage' as const, stage: 'Production' as const, archiveExisting: true }
    // The attack: on the chain alone the forged lines choose v7, even where GitHub's step (here
    // one that backs every line) was fooled: the history check is the defence in depth.
    const chainOnly = await readTrail(file, { history: false, github: everyLineBacked })
    expect(previousFromAudit(chainOnly, model, stage, '2')).toBe('7')
    const trail = await readTrail(file, { github: everyLineBacked })
    expect(trail.entries.filter(e => !e.counted).map(e => e.line)).toEqual([3, 4])
    expect(previousFromAudit(trail, model, stage, '2')).toBe('1')
  })

  it('`history` hides the forged lines (as status does), names them, and exits 1', async () => {
    const { ws } = await forgedTrail()
    const result = await cli(ws, ['history', model, '--json'])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      events: { seq: number }[]
      not_counted: { line: number }[]
      trust: { history: { state: string } }
    }
    expect(doc.events.map(e => e.seq)).toEqual([1, 2])
    expect(doc.not_counted.map(e => e.line)).toEqual([3, 4])
    expect(doc.trust.history.state).toBe('findings')
    const table = await cli(ws, ['history', model])
    expect(table.stdout).not.toContain('FORGED')
    // The trust statement is in the normal output, not only with --verbose.
    expect(table.stderr).toContain(
      "Trust: hash chain verified; git history has findings; GitHub's record of the runs not checked"
    )
  })

  it('render hides the forged lines from the table and the holder chart', async () => {
    const { file } = await forgedTrail()
    const policy = effectivePolicy(
      parsePolicy('stages:\n  - name: Staging\n  - name: Production\n', 'policy.yml', silentLogger),
      model
    )
    const rendered = await renderTrail(file, 'AUDIT.log', {
      keep: 20,
      model,
      policyFor: () => policy,
      now: new Date('2026-12-01T00:00:00Z'),
      trail: {}
    })
    expect(rendered.markdown).toContain('genuine 2')
    expect(rendered.markdown).not.toContain('FORGED')
    expect(rendered.markdown).toContain('2 entries are not counted')
    expect(rendered.markdown).toContain('mermaid')
    expect(rendered.markdown).not.toMatch(/\bv7\b/)
  })
})
