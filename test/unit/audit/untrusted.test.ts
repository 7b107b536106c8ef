import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildEntry } from '../../../src/audit/build-entry.js'
import { isTarget, isVersion } from '../../../src/audit/field-checks.js'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import { repositoryPath } from '../../../src/audit/git-store.js'
import { verifyBytes } from '../../../src/audit/verify.js'
import { chainOf } from '../../harness/audit-trail.js'
import { ConfigurationError } from '../../../src/core/errors.js'
import { runContext } from '../../../src/github/context.js'

const context = runContext({
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '1',
  GITHUB_ACTOR: 'alice'
})
const INJECTION = '2\n::error title=Approved::Approved\n::stop-commands::zzz'
const UNEXPANDED = '${{ steps.promote.outputs.version }}'

describe('audit fields are checked, and a bad one is recorded as invalid', () => {
  it.each([
    ['7', true],
    ['123456', true],
    ['0', false],
    ['07', false],
    ['v7', false],
    ['7 ', false],
    [UNEXPANDED, false],
    [INJECTION, false],
    ['1e3', false]
  ])('version %j valid: %s', (value, ok) => {
    expect(isVersion(value) === undefined).toBe(ok)
  })

  it.each([
    ['Production', true],
    ['stage:Production', true],
    ['alias:champion', true],
    ['@champion', true],
    ['None', true],
    ['Archived', true],
    ['pre-prod 2', true],
    ['qualité', true],
    ['', false],
    ['${{ inputs.stage }}', false],
    ['Production\n::error::x', false],
    ['Production\u0000', false],
    ['a,b', false],
    ['x'.repeat(300), false]
  ])('stage or alias %j valid: %s', (value, ok) => {
    expect(isTarget(value) === undefined).toBe(ok)
  })

  it('records an unexpanded version, an injected previous version and a bad lineage as invalid, keeping the event', () => {
    const built = buildEntry(
      {
        event: 'promote',
        model: 'churn',
        version: UNEXPANDED,
        from: 'Staging',
        to: 'Production\r\n::warning::x',
        previousVersion: INJECTION,
        lineage: '{"lock-sha256": "abc", verified: tru',
        reason: 'kept as given\n::even this::'
      },
      context,
      [],
      'f'.repeat(40),
      0
    )
    expect(built.fields).toMatchObject({
      event: 'promote',
      outcome: 'success',
      model: 'churn',
      version: '',
      from: 'Staging',
      to: '',
      previous_version: '',
      lineage: { lock_sha256: '', model_md5: '', verified: null },
      reason: 'kept as given\n::even this::'
    })
    expect(built.fields.invalid).toEqual([
      { field: 'version', reason: 'holds an unexpanded workflow expression' },
      {
        field: 'to',
        reason: 'contains a line break, a control character or a bidirectional control character'
      },
      {
        field: 'previous_version',
        reason: 'contains a line break, a control character or a bidirectional control character'
      },
      {
        field: 'lineage',
        reason: expect.stringMatching(/^is not valid JSON( \(at character \d+\))?$/)
      }
    ])
    expect(built.invalid.map(i => i.input)).toEqual([
      'version',
      'to',
      'previous-version',
      'lineage'
    ])
    // The rejected text is nowhere in the line; the line still verifies, with `invalid` after the v1 keys.
    const line = formatLine(built.fields, 1, GENESIS_PREV)
    expect(line).not.toContain('${{')
    expect(line).not.toContain('stop-commands')
    expect(line.indexOf('"invalid"')).toBeGreaterThan(line.indexOf('"registry"'))
  })

  it('a valid event carries no invalid key, so its line is format v1 exactly as before', () => {
    const built = buildEntry(
      { event: 'promote', model: 'churn', version: '7', to: 'Production' },
      context,
      [],
      '',
      0
    )
    expect(built.fields).not.toHaveProperty('invalid')
    expect(built.invalid).toEqual([])
  })
})

describe("the 'file' input", () => {
  it.each([
    ['AUDIT.log\nM 100644 inline evil', 'line break'],
    ['AUDIT.log\r', 'line break'],
    ['AUDIT\u0000.log', 'control character'],
    ['../AUDIT.log', "'..' segment"],
    ['audit/../../AUDIT.log', "'..' segment"],
    ['audit/../AUDIT.log', "'..' segment"],
    ['/etc/passwd', 'absolute path'],
    ['C:\\audit.log', 'absolute path'],
    ['.git/hooks/pre-commit', 'inside .git'],
    ['audit/', 'directory'],
    ['.', 'directory']
  ])('refuses %j (%s)', (file, why) => {
    expect(() => repositoryPath(file)).toThrow(ConfigurationError)
    expect(() => repositoryPath(file)).toThrow(why)
    expect(() => repositoryPath(file)).toThrow("'file'")
  })

  it.each([
    ['AUDIT.log', 'AUDIT.log'],
    ['audit/AUDIT.log', 'audit/AUDIT.log'],
    ['./audit//AUDIT.log', 'audit/AUDIT.log'],
    ['audit\\AUDIT.log', 'audit/AUDIT.log'],
    ['with space "and quote".log', 'with space "and quote".log']
  ])('accepts %j as %j', (file, normal) => {
    expect(repositoryPath(file)).toBe(normal)
  })
})

describe('verify refuses what is not a plain file, without reading it', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'audit-untrusted-'))
  const secret = path.join(root, 'outside-secret.txt')
  writeFileSync(secret, 'root:x:0:0:TOPSECRET-CONTENT\n')
  const repo = path.join(root, 'repo')
  mkdirSync(repo)

  it('a symlinked AUDIT.log: refused, the target never shown', async () => {
    symlinkSync(secret, path.join(repo, 'AUDIT.log'))
    const run = (): Promise<unknown> =>
      chainOf(path.join(repo, 'AUDIT.log'), {
        root: repo,
        label: "'file' names 'AUDIT.log', which"
      })
    await expect(run()).rejects.toThrow(ConfigurationError)
    await expect(run()).rejects.toThrow("'file' names 'AUDIT.log', which is a symbolic link")
    const message = await run().then(
      () => '',
      (e: Error) => e.message
    )
    expect(message).not.toContain('TOPSECRET')
    expect(message).not.toContain('root:x')
  })

  it('an AUDIT.log below a symlinked directory: refused', async () => {
    symlinkSync(root, path.join(repo, 'linked'))
    writeFileSync(path.join(root, 'AUDIT.log'), '')
    await expect(
      chainOf(path.join(repo, 'linked', 'AUDIT.log'), { root: repo, label: 'x' })
    ).rejects.toThrow('x is below a symbolic link (linked)')
  })

  it('a FIFO: refused at once instead of hanging', async () => {
    const fifo = path.join(repo, 'fifo.log')
    execFileSync('mkfifo', [fifo])
    await expect(chainOf(fifo)).rejects.toThrow('is not a regular file')
  })

  it('a line that is not JSON is reported by position, never quoted', async () => {
    const result = await verifyBytes(Buffer.from('root:x:0:0:TOPSECRET-CONTENT\n'))
    expect(result.firstBad).toEqual({
      line: 1,
      reason: expect.stringMatching(/^is not valid JSON( \(at character \d+\))?$/)
    })
    expect(result.firstBad!.reason).not.toContain('TOPSECRET')
  })
})
