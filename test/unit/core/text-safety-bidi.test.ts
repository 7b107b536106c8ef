import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildEntry } from '../../../src/audit/build-entry.js'
import { entriesSummary } from '../../../src/audit/summary.js'
import { runCli } from '../../../src/cli/main.js'
import { bidiControls, neutraliseBidi } from '../../../src/core/text-safety.js'
import { escapingLogger, MemoryLogger } from '../../../src/core/logger.js'
import { code, escapeText } from '../../../src/core/summary.js'
import { runContext } from '../../../src/github/context.js'
import { escapeMrkdwn } from '../../../src/notify/slack.js'
import { escapeCardMarkdown } from '../../../src/notify/teams.js'
import { escapeHtml } from '../../../src/provenance/timeline-svg.js'
import { terminalSafeText } from '../../../src/serving/text.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

/**
 * Bidirectional controls in text people read ("Trojan Source"): a justification
 * "ok \u202Edesrever" shows reversed. Every one of them is made visible as [U+XXXX] wherever the
 * suite records or shows such text, and audit-log warns when it records one.
 */
const ALL = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C'
]
const RAW = new RegExp(`[${ALL.join('')}]`, 'u')
const REASON = 'ship it \u202Ekcab llor\u202C now'

describe('bidi controls', () => {
  it('finds and neutralises each of them, and nothing else', () => {
    const text = `a${ALL.join('b')}c`
    expect(bidiControls(text)).toEqual([
      'U+202A',
      'U+202B',
      'U+202C',
      'U+202D',
      'U+202E',
      'U+2066',
      'U+2067',
      'U+2068',
      'U+2069',
      'U+200E',
      'U+200F',
      'U+061C'
    ])
    expect(neutraliseBidi(text)).not.toMatch(RAW)
    expect(neutraliseBidi(REASON)).toBe('ship it [U+202E]kcab llor[U+202C] now')
    // Arabic, Hebrew, emoji and zero-width joiners are text, not controls.
    const plain = 'مرحبا שלום 👩‍💻 \u200D'
    expect(bidiControls(plain)).toEqual([])
    expect(neutraliseBidi(plain)).toBe(plain)
  })

  it("audit-log records a reason's and a review comment's controls as visible text, and warns", () => {
    const built = buildEntry(
      { event: 'promote', model: 'churn', version: '3', to: 'Production', reason: REASON },
      runContext({ GITHUB_REPOSITORY: 'acme/models', GITHUB_RUN_ID: '7' }),
      [
        {
          login: 'bob',
          state: 'approved',
          comment: 'lgtm \u2067evil\u2069',
          environments: ['production']
        }
      ],
      'f'.repeat(40),
      0
    )
    expect(built.fields.reason).toBe('ship it [U+202E]kcab llor[U+202C] now')
    expect(built.fields.approvals[0]!.comment).toBe('lgtm [U+2067]evil[U+2069]')
    expect(JSON.stringify(built.fields)).not.toMatch(RAW)
    expect(built.warnings).toEqual([
      "Input 'reason' holds bidirectional control characters (U+202E, U+202C), which reorder how it is shown; each is recorded as visible text, e.g. [U+202E]",
      'The review comment of bob holds bidirectional control characters (U+2067, U+2069), which reorder how it is shown; each is recorded as visible text, e.g. [U+202E]'
    ])
    const clean = buildEntry(
      { event: 'promote', model: 'churn', reason: 'مرحبا' },
      runContext({}),
      [],
      '',
      0
    )
    expect([clean.fields.reason, clean.warnings]).toEqual(['مرحبا', []])
  })

  it('every place that shows such text shows it neutralised', () => {
    const logger = new MemoryLogger()
    escapingLogger(logger).info(REASON)
    const shown = [
      escapeText(REASON),
      code(REASON),
      escapeMrkdwn(REASON),
      escapeCardMarkdown(REASON),
      escapeHtml(REASON),
      terminalSafeText(REASON),
      ...logger.messages()
    ]
    for (const text of shown) {
      expect(text).not.toMatch(RAW)
      expect(text).toMatch(/U\\?\+202E/)
    }
  })

  it('a line written into AUDIT.log by hand is shown neutralised by render and the CLI', async () => {
    const log = chain([event('churn', '1', 'Production', { reason: REASON })])
    const md = entriesSummary('AUDIT.log', log.entries, {
      valid: true,
      entries: 1,
      headSha256: 'f'.repeat(64)
    })
    expect(md).not.toMatch(RAW)
    expect(md).toContain('\\[U+202E\\]kcab')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-bidi-'))
    mkdirSync(path.join(dir, '.git'))
    writeFileSync(path.join(dir, 'AUDIT.log'), log.text)
    for (const json of [false, true]) {
      const out: string[] = []
      const io = {
        env: {},
        cwd: dir,
        stdout: { write: (t: string) => void out.push(t), isTTY: false },
        stderr: { write: (t: string) => void out.push(t) }
      }
      expect(await runCli(['history', 'churn', ...(json ? ['--json'] : [])], io)).toBe(0)
      expect(out.join('')).not.toMatch(RAW)
      expect(out.join('')).toContain('[U+202E]kcab llor[U+202C]')
    }
  })
})
