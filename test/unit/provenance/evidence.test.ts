import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`
const GATES = [
  {
    metric: 'auc',
    check: 'threshold',
    rule: 'auc >= 0.9',
    observed: 0.93,
    champion: null,
    delta: null,
    verdict: 'pass',
    origin: 'policy'
  }
]

function repo(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3ev-unit-'))
  mkdirSync(path.join(dir, '.git'))
  writeFileSync(path.join(dir, 'AUDIT.log'), text)
  return dir
}

async function run(dir: string, args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, {
    env: {},
    cwd: dir,
    stdout: { write: t => void out.push(t) },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

const LOG = chain([
  event('churn', '1', 'Staging', {
    ts: '2026-11-20T06:00:00.000Z',
    gates: GATES,
    metrics: { auc: 0.93 }
  }),
  event('churn', '2', 'Staging', {
    ts: '2026-11-22T06:00:00.000Z',
    event: 'gate-failed',
    outcome: 'failure',
    reason: HOSTILE
  }),
  event('churn', '1', 'Production', {
    ts: '2026-11-24T06:00:00.000Z',
    reason: HOSTILE,
    approvals: [
      {
        login: 'bob',
        state: 'approved',
        comment: HOSTILE,
        environments: ['production'],
        role: 'risk'
      }
    ]
  }),
  event('churn', '2', 'Staging', { ts: '2026-11-25T06:00:00.000Z' })
])

/** Every string, number and boolean in a JSON value, as text. */
function facts(value: unknown, into = new Set<string>()): Set<string> {
  if (value === null || value === undefined) return into
  if (typeof value === 'object') for (const v of Object.values(value)) facts(v, into)
  else if (typeof value !== 'function' && typeof value !== 'symbol')
    into.add(`${value as string | number | boolean | bigint}`)
  return into
}

const unescape = (s: string): string =>
  s
    .replace(/&#10;/g, '\n')
    .replace(/&#13;/g, '\r')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

describe('evidence (in process, no registry)', () => {
  it('the JSON carries every fact a table cell of the HTML shows', async () => {
    const dir = repo(LOG.text)
    const json = await run(dir, [
      'evidence',
      'churn',
      '--version',
      '1',
      '--format',
      'json',
      '--no-history'
    ])
    const html = await run(dir, [
      'evidence',
      'churn',
      '--version',
      '1',
      '--format',
      'html',
      '--no-history'
    ])
    expect(json.code).toBe(0)
    expect(html.code).toBe(0)
    const pack = JSON.parse(json.stdout) as Record<string, unknown>
    const known = facts(pack)
    // Words the renderer writes itself for an empty or unknown value.
    const own = new Set(['', 'ok', 'unknown', 'none recorded', 'true', 'false'])
    const cells = [...html.stdout.matchAll(/<td>([^<]*)<\/td>/g)].map(m => unescape(m[1]!))
    expect(cells.length).toBeGreaterThan(40)
    const missing = cells.filter(c => !known.has(c) && !own.has(c))
    expect(missing).toEqual([])
    expect(pack).toMatchObject({ model: 'churn', version: '1', verification: { valid: true } })
    expect((pack.promotions as unknown[]).length).toBe(2)
    expect(html.stdout).toContain('auc &gt;= 0.9')
    expect(html.stdout).toContain('<svg')
  })

  it('escapes hostile text: no tag, attribute or script from the log reaches the HTML', async () => {
    const dir = repo(LOG.text)
    const html = await run(dir, [
      'evidence',
      'churn',
      '--version',
      '1',
      '--format',
      'html',
      '--no-history'
    ])
    expect(html.stdout).not.toMatch(/<script|<img|onerror=alert\(2\)>|<link|<iframe/i)
    expect(html.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html.stdout).toContain("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    const md = await run(dir, ['evidence', 'churn', '--version', '1', '--no-history'])
    expect(md.code).toBe(0)
    expect(md.stdout).not.toContain('<script>')
  })

  it('a broken chain still writes the pack, marked failed, and exits 1', async () => {
    const dir = repo(LOG.text.replace('"actor":"alice"', '"actor":"mallory"'))
    const out = path.join(dir, 'pack.html')
    const r = await run(dir, [
      'evidence',
      'churn',
      '--version',
      '1',
      '--format',
      'html',
      '--out',
      out,
      '--no-history'
    ])
    expect(r.code).toBe(1)
    const page = readFileSync(out, 'utf8')
    expect(r.stderr).toContain('the pack is marked VERIFICATION FAILED')
    expect(page).toMatch(/VERIFICATION FAILED at line \d/)
    expect(page).toContain('<svg')
  })

  it('bad input gives clear usage errors', async () => {
    const dir = repo(LOG.text)
    expect((await run(dir, ['evidence', 'churn'])).stderr).toMatch(/needs --version <n>/)
    expect((await run(dir, ['evidence', 'churn', '--version', '9'])).stderr).toMatch(
      /no verified entry for churn version 9; it names versions 1, 2/
    )
    expect((await run(dir, ['evidence', 'churn', '--version', '1', '--format', 'pdf'])).code).toBe(
      2
    )
    expect((await run(dir, ['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/)
  })
})
