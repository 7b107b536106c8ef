import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppendFailedError } from '../../../src/audit/append.js'
import { appendEvent, type AppendEventDeps } from '../../../src/audit/append-event.js'
import type { EntryFields } from '../../../src/audit/format.js'
import { verifyAndReport } from '../../../src/audit/verify-report.js'
import { ActionError, FieldError } from '../../../src/core/errors.js'
import type { Logger } from '../../../src/core/logger.js'
import { systemClock } from '../../../src/core/time.js'
import { runContext } from '../../../src/github/context.js'
import { buildLines, joinLines } from '../../harness/audit-sample.js'

/** audit-log's append and verify modes as domain calls (actions/audit-log/main.ts maps inputs to them). */

function recorder(): Logger & { said: string[] } {
  const said: string[] = []
  const say = (kind: string) => (message: string) => void said.push(`${kind}: ${message}`)
  return {
    said,
    debug: say('debug'),
    info: say('info'),
    warning: say('warning'),
    notice: say('notice'),
    error: say('error')
  }
}

const NOW = Date.parse('2026-12-01T02:00:00Z')
function deps(logger: Logger, append: AppendEventDeps['append']): AppendEventDeps {
  return {
    logger,
    run: runContext({ GITHUB_REPOSITORY: 'acme/models', GITHUB_RUN_ID: '42' }),
    env: {},
    headCommit: () => Promise.resolve('a'.repeat(40)),
    clock: { now: () => NOW, sleep: ms => systemClock.sleep(ms) },
    token: undefined,
    signOff: undefined,
    append
  }
}
const EVENT = {
  event: 'promote',
  outcome: 'success',
  model: 'churn',
  version: '3',
  to: 'Production'
}

describe('appendEvent (append mode)', () => {
  it('prints the event first, appends it to the checked path, and summarises the line', async () => {
    const logger = recorder()
    const seen: { file: string; fields: EntryFields }[] = []
    const outcome = await appendEvent({ ...EVENT, version: 'v3' }, './logs//AUDIT.log', {
      ...deps(logger, (file, fields) => {
        seen.push({ file, fields })
        const line = JSON.stringify({ ...fields, seq: 7 })
        return Promise.resolve({
          line,
          sha256: 'f'.repeat(64),
          seq: 7,
          commitSha: 'c'.repeat(40),
          attempts: 2
        })
      })
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.file).toBe('logs/AUDIT.log')
    expect(seen[0]!.fields).toMatchObject({ model: 'churn', ts: new Date(NOW).toISOString() })
    expect(outcome.appended).toBe(true)
    expect(outcome.summary).toContain('logs/AUDIT.log')
    const printed = logger.said.findIndex(s => s.startsWith('info: Audit event: '))
    expect(printed).toBeGreaterThanOrEqual(0)
    expect(logger.said.slice(printed)).toContainEqual(
      `info: Recorded line 7 of logs/AUDIT.log in ${'c'.repeat(40)} after 2 attempt(s)`
    )
    // The bad version is recorded empty and named, with the input to fix.
    expect(logger.said.join('\n')).toMatch(
      /warning: Input 'version' .* Fix what the workflow passes as 'version'/
    )
  })

  it('keeps the event when the path is refused or the append fails, with the attempts', async () => {
    const never = () => Promise.reject(new Error('not reached'))
    const logger = recorder()
    const refused = await appendEvent(EVENT, '../AUDIT.log', deps(logger, never))
    expect(refused.appended).toBe(false)
    expect(!refused.appended && refused.error).toBeInstanceOf(FieldError)
    expect(refused.summary).toContain('the audit log')
    expect(logger.said.some(s => s.startsWith('info: Audit event: {'))).toBe(true)
    const lost = await appendEvent(
      EVENT,
      'AUDIT.log',
      deps(recorder(), () =>
        Promise.reject(new AppendFailedError('lost the race 3 times', undefined, 3))
      )
    )
    expect(lost).toMatchObject({ appended: false, attempts: 3 })
    expect(!lost.appended && (lost.error as Error).message).toBe('lost the race 3 times')
  })
})

describe('verifyAndReport (verify mode)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verify-mode-'))

  it('reports a good chain with its verdict and no failure', async () => {
    const file = path.join(dir, 'good.log')
    writeFileSync(file, joinLines(buildLines(3)))
    const logger = recorder()
    const verified = await verifyAndReport(file, 'good.log', {}, logger)
    expect(verified.failure).toBeUndefined()
    expect(verified.result.trail.report.chain.entries).toBe(3)
    expect(verified.summary).toContain('good.log')
    expect(logger.said[0]).toMatch(/^info: good.log: /)
  })

  it('returns the failure at its line, so outputs and summary come first', async () => {
    const lines = buildLines(3)
    lines[1] = lines[1]!.replace('release 1', 'release 9')
    const file = path.join(dir, 'bad.log')
    writeFileSync(file, joinLines(lines))
    const verified = await verifyAndReport(file, 'bad.log', {}, recorder())
    expect(verified.failure).toBeInstanceOf(ActionError)
    expect(verified.failure!.message).toMatch(/^bad.log line 2 .*the chain is broken there/)
    expect(verified.result.valid).toBe(false)
  })

  it('names the file input when the file is missing', async () => {
    await expect(
      verifyAndReport(path.join(dir, 'none.log'), 'none.log', {}, recorder())
    ).rejects.toThrow("names 'none.log', which does not exist in the workspace")
  })
})
