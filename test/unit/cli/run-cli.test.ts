import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

function capture(cwd: string, env: NodeJS.ProcessEnv = {}, isTTY = false) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: {
      env,
      cwd,
      stdout: { write: (t: string) => void out.push(t), isTTY },
      stderr: { write: (t: string) => void err.push(t) }
    },
    stdout: () => out.join(''),
    stderr: () => err.join('')
  }
}

function repo(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-cli-'))
  mkdirSync(path.join(dir, '.git'))
  mkdirSync(path.join(dir, 'sub'))
  writeFileSync(path.join(dir, 'AUDIT.log'), text)
  return dir
}

const LOG = chain([
  event('churn', '1', 'Staging'),
  event('other', '4', 'Production'),
  event('churn', '1', 'Production', { reason: 'ship\nit' })
])

describe('runCli (in process, no registry needed)', () => {
  it('verify-audit finds AUDIT.log at the repository root from a subdirectory', async () => {
    const dir = repo(LOG.text)
    const c = capture(path.join(dir, 'sub'))
    expect(await runCli(['verify-audit', '--json'], c.io)).toBe(0)
    expect(JSON.parse(c.stdout())).toMatchObject({
      file: 'AUDIT.log',
      valid: true,
      entries: 3,
      first_bad_line: null
    })
  })

  it('verify-audit exits 1 and names the first bad line of a tampered file', async () => {
    const dir = repo(LOG.text.replace('"actor":"alice"', '"actor":"alicf"'))
    const c = capture(dir)
    expect(await runCli(['verify-audit', 'AUDIT.log'], c.io)).toBe(1)
    expect(c.stdout()).toMatch(/Broken: line 1 was changed/)
    expect(c.stdout()).not.toContain('\u001b[')
  })

  it('history lists only the model, oldest first, one line per event', async () => {
    const dir = repo(LOG.text)
    const c = capture(dir)
    expect(await runCli(['history', 'churn'], c.io)).toBe(0)
    const lines = c.stdout().trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^SEQ +TIME \(UTC\) +EVENT/)
    expect(lines[1]).toMatch(/^1 +2026-11-26 06:00:00\.000 +promote +1 +- → Staging/)
    expect(lines[2]).toMatch(/^3 .* - → Production .* alice +bob +ship it$/)
  })

  it('history --json --limit 1 gives the newest event as written', async () => {
    const dir = repo(LOG.text)
    const c = capture(dir)
    expect(await runCli(['history', 'churn', '--json', '--limit', '1'], c.io)).toBe(0)
    const doc = JSON.parse(c.stdout()) as {
      events: { seq: number; reason: string }[]
      chain: { valid: boolean }
    }
    expect(doc.chain.valid).toBe(true)
    expect(doc.events.map(e => [e.seq, e.reason])).toEqual([[3, 'ship\nit']])
  })

  it('colours a terminal unless NO_COLOR is set', async () => {
    const dir = repo(LOG.text)
    const tty = capture(dir, {}, true)
    await runCli(['history', 'churn'], tty.io)
    expect(tty.stdout()).toContain('\u001b[32m')
    const noColor = capture(dir, { NO_COLOR: '1' }, true)
    await runCli(['history', 'churn'], noColor.io)
    expect(noColor.stdout()).not.toContain('\u001b[')
  })

  it('usage errors exit 2 on stderr, and as a JSON error object with --json', async () => {
    const dir = repo(LOG.text)
    const c = capture(dir)
    expect(await runCli(['status', '--json'], c.io)).toBe(2)
    expect(c.stderr()).toContain("error: 'status' needs <model>")
    expect(JSON.parse(c.stdout())).toEqual({
      error: { exit_code: 2, message: expect.stringContaining("'status' needs <model>") }
    })
  })

  it('reconcile without MLFLOW_TRACKING_URI says which variable to set (exit 2)', async () => {
    const dir = repo(LOG.text)
    const c = capture(dir)
    expect(await runCli(['reconcile'], c.io)).toBe(2)
    expect(c.stderr()).toContain('MLFLOW_TRACKING_URI is not set')
  })

  it('status refuses a broken chain (exit 1) before asking the registry anything', async () => {
    const dir = repo(
      LOG.text
        .split('\n')
        .filter((_, i) => i !== 1)
        .join('\n')
    )
    const c = capture(dir, { MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' })
    expect(await runCli(['status', 'churn'], c.io)).toBe(1)
    expect(c.stderr()).toMatch(
      /AUDIT\.log line 2 .*the chain is broken, so the audited state cannot be trusted/
    )
  })

  it('help and version exit 0', async () => {
    const c = capture(os.tmpdir())
    expect(await runCli([], c.io)).toBe(0)
    expect(c.stdout()).toContain('Exit codes: 0 ok; 1 drift found or audit chain broken')
  })
})
