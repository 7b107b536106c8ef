import { describe, expect, it } from '@jest/globals'
import { statusTarget } from '../../../src/cli/commands/status.js'
import { NO_LINEAGE_RECORDED } from '../../../src/cli/commands/status-target.js'
import { statusDetail, statusTable } from '../../../src/cli/commands/status-view.js'
import { styler } from '../../../src/cli/table.js'
import { LEVEL_WORDS, NO_LEVEL_RECORDED } from '../../../src/core/lineage-levels.js'
import { versionRecord } from '../../../src/provenance/index.js'
import type { TargetRow } from '../../../src/reconcile/reconcile.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

/**
 * `status` shows the lineage level of the version holding each target (issue "Seed flow"): a
 * LVL column in the table, a line with the level's words in the single-target view, and
 * lineage_level / lineage_level_text in --json; an entry from before levels says so.
 */
const LOG = chain([
  event('churn', '1', 'Staging', { ts: '2026-11-20T06:00:00.000Z' }),
  event('churn', '2', 'Production', {
    ts: '2026-11-22T06:00:00.000Z',
    lineage: { lock_sha256: 'd'.repeat(64), model_md5: 'e'.repeat(32), verified: true, level: 2 }
  }),
  event('churn', '3', 'Development', { ts: '2026-11-23T06:00:00.000Z', lineage: undefined })
])

function target(name: string, version: string) {
  const entry = LOG.entries.find(e => e.version === version)!
  const row = {
    model: 'churn',
    target: { kind: 'stage', name },
    registryVersion: version,
    auditedVersion: version,
    inSync: true,
    lastUpdatedTimestamp: null,
    userId: null,
    entry
  } as unknown as TargetRow
  return statusTarget(row, {
    trained: null,
    data: { recorded: versionRecord(LOG.entries, 'churn', version).lineage, lock: null },
    approvals: [],
    event: 'promote',
    commit: null,
    commit_note: null,
    reproduce: []
  })
}

const plain = styler(false)

describe('status shows the lineage level', () => {
  const production = target('Production', '2')
  const staging = target('Staging', '1')
  const development = target('Development', '3')

  it('--json: the level and its words, or which of "before levels" and "no lineage" it is', () => {
    expect(production).toMatchObject({
      lineage_level: 2,
      lineage_level_text: `level 2 (${LEVEL_WORDS[2]})`
    })
    expect(staging).toMatchObject({ lineage_level: null, lineage_level_text: NO_LEVEL_RECORDED })
    expect(development).toMatchObject({
      lineage_level: null,
      lineage_level_text: NO_LINEAGE_RECORDED
    })
  })

  it('the table has a LVL column (2, ? before levels, - none) and says what it means, in 100 columns', () => {
    const table = statusTable('churn', [production, staging, development], 'AUDIT.log', plain)
    const lines = table.split('\n')
    expect(lines[0]).toMatch(
      /^TARGET +VER +SINCE +TRAINED BY +APPROVED BY +LVL +DATA +COMMIT +AUDIT$/
    )
    expect(table).toMatch(/^stage Production +2 +2026-11-22 +bob +2 +dddddddd +ok$/m)
    expect(table).toMatch(/^stage Staging +1 +2026-11-20 +bob +\? +bbbbbbbb +ok$/m)
    expect(table).toMatch(/^stage Development +3 +2026-11-23 +bob +- +ok$/m)
    expect(table).toContain('LVL is the lineage level (1 strongest, 4 no link; ? recorded before')
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100)
  })

  it('one target in full: the level in words under Data, wrapped within 100 columns', () => {
    const detail = statusDetail('churn', production, 'AUDIT.log', plain)
    const lines = detail.split('\n')
    const at = lines.findIndex(l => l.startsWith('  lineage level '))
    expect(at).toBeGreaterThan(lines.indexOf('Data'))
    // The wrapped words read back as the level's label.
    const wrapped = [lines[at]!.slice(16)]
    for (let i = at + 1; lines[i]?.startsWith(' '.repeat(16)); i++) wrapped.push(lines[i]!.trim())
    expect(wrapped.join(' ')).toBe(`level 2 (${LEVEL_WORDS[2]})`)
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100)
    const old = statusDetail('churn', staging, 'AUDIT.log', plain)
    expect(old.replace(/\n {16}/g, ' ')).toContain(`  lineage level ${NO_LEVEL_RECORDED}`)
    const none = statusDetail('churn', development, 'AUDIT.log', plain)
    expect(none).toContain(`  recorded      ${NO_LINEAGE_RECORDED}`)
  })
})
