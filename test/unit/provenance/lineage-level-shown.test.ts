import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { LEVEL_WORDS, NO_LEVEL_RECORDED, readLevel } from '../../../src/core/lineage-levels.js'
import { versionRecord } from '../../../src/provenance/index.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

/**
 * The lineage level where `evidence` shows the verdict (issue "Seed flow"): the JSON pack, its
 * markdown and its HTML, each with the level's words, and plainly "not recorded" for an entry
 * written before levels existed (never a guessed level).
 */
const LOG = chain([
  // v1: promoted before lineage-check reported levels (its lineage has no level).
  event('churn', '1', 'Staging', { ts: '2026-11-20T06:00:00.000Z' }),
  // v2: promoted with a level-3 lineage.
  event('churn', '2', 'Staging', {
    ts: '2026-11-22T06:00:00.000Z',
    lineage: {
      lock_sha256: 'd'.repeat(64),
      model_md5: 'e'.repeat(32),
      verified: true,
      level: 3,
      commit: 'f'.repeat(40)
    }
  })
])

function repo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'level-unit-'))
  mkdirSync(path.join(dir, '.git'))
  writeFileSync(path.join(dir, 'AUDIT.log'), LOG.text)
  return dir
}

async function evidence(dir: string, version: string, format: string): Promise<string> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(
    ['evidence', 'churn', '--version', version, '--format', format, '--no-history'],
    {
      env: {},
      cwd: dir,
      stdout: { write: t => void out.push(t) },
      stderr: { write: t => void err.push(t) }
    }
  )
  expect({ code, err: err.join('') }).toMatchObject({ code: 0 })
  return out.join('')
}

describe('the recorded lineage level', () => {
  it('is read from the entry as 1-4, and null when absent or not a level', () => {
    expect([1, 2, 3, 4, '2', ' 4 ', 0, 5, '3.0', null, undefined, 'x'].map(readLevel)).toEqual([
      1,
      2,
      3,
      4,
      2,
      4,
      null,
      null,
      null,
      null,
      null,
      null
    ])
    const v2 = versionRecord(LOG.entries, 'churn', '2').lineage!
    expect(v2).toMatchObject({ level: 3, level_text: `level 3 (${LEVEL_WORDS[3]})` })
    const v1 = versionRecord(LOG.entries, 'churn', '1').lineage!
    expect(v1).toMatchObject({ level: null, level_text: NO_LEVEL_RECORDED })
    expect(NO_LEVEL_RECORDED).toMatch(/predates lineage levels/)
  })
})

describe('evidence shows the lineage level', () => {
  const dir = repo()

  it('JSON: the pack, its lineage and each promotion carry the level and its words', async () => {
    const pack = JSON.parse(await evidence(dir, '2', 'json')) as Record<string, unknown>
    expect(pack).toMatchObject({
      lineage_level: 3,
      lineage_level_text: `level 3 (${LEVEL_WORDS[3]})`,
      lineage: { level: 3, level_text: `level 3 (${LEVEL_WORDS[3]})` },
      promotions: [{ lineage: { level: 3 } }]
    })
    const old = JSON.parse(await evidence(dir, '1', 'json')) as Record<string, unknown>
    expect(old).toMatchObject({
      lineage_level: null,
      lineage_level_text: NO_LEVEL_RECORDED,
      lineage: { level: null }
    })
  })

  it('markdown: a line with the level in words, and the level in the promotion table', async () => {
    const md = await evidence(dir, '2', 'md')
    expect(md).toContain(`**Lineage level**: level 3 (${LEVEL_WORDS[3]}).`)
    expect(md).toMatch(/\| level \| 3 \|/)
    expect(md).toMatch(/\| verified \| level \|\n[^\n]*\n\|[^\n]*\| true \| 3 \|/)
    const old = await evidence(dir, '1', 'md')
    expect(old).toContain('**Lineage level**: not recorded: this lineage predates lineage levels')
    expect(old).toMatch(/\| level \| not recorded \|/)
    expect(old).toMatch(/\| true \| not recorded \|/)
  })

  it('HTML: the Data section and each promotion show the level in words', async () => {
    const html = await evidence(dir, '2', 'html')
    const words = LEVEL_WORDS[3].replace(/'/g, '&#39;')
    expect(html).toContain(`<p><strong>Lineage level</strong>: level 3 (${words}).</p>`)
    expect(html).toContain(`<th>lineage level</th><td>level 3 (${words})</td>`)
    const old = await evidence(dir, '1', 'html')
    expect(old).toContain('<th>lineage level</th><td>not recorded: this lineage predates')
  })
})
