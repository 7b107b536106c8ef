import { describe, expect, it } from '@jest/globals'
import type { AuditEntry } from '../../../src/audit/entry.js'
import { appendedSummary, entriesSummary } from '../../../src/audit/summary.js'
import { buildLines, sampleFields } from '../../harness/audit-sample.js'

const entries = buildLines(3, i =>
  sampleFields(i, { reason: i === 2 ? 'a | b <script>x</script>\nnext' : `r${i}` })
).map(l => JSON.parse(l) as AuditEntry)

describe('entriesSummary', () => {
  it('lists the newest entries first, escaping table and HTML characters', () => {
    const md = entriesSummary('AUDIT.log', entries, {
      valid: true,
      entries: 3,
      headSha256: 'f'.repeat(64)
    })
    const rows = md.split('\n').filter(l => /^\| \d+ \|/.test(l))
    expect(rows.map(r => r.split(' | ')[0])).toEqual(['| 3', '| 2', '| 1'])
    expect(rows[0]).toContain('a \\| b &lt;script>x&lt;/script><br>next')
    expect(rows[0]).toContain(
      '[#1002](https://github.com/acme/models/actions/runs/1002/attempts/1)'
    )
    expect(md).toContain('chain valid, 3 entries')
  })

  it("builds the run link from the entry's repository and run id, never from its run_url", () => {
    const forged = [
      { ...entries[0]!, run_url: 'https://evil.example/phish', run_id: '1001' },
      { ...entries[1]!, run_id: '1002) [x](https://evil.example', run_url: 'https://evil.example' },
      { ...entries[2]!, repository: 'mallory/elsewhere', run_id: '1003' }
    ] as AuditEntry[]
    const chain = { valid: true, entries: 3, headSha256: 'f'.repeat(64) }
    const md = entriesSummary('AUDIT.log', forged, chain, {
      serverUrl: 'https://github.example.com',
      repository: 'acme/models'
    })
    expect(md).not.toContain('evil.example/phish')
    // The one link in the table is the one built here; the forged id's brackets are escaped.
    expect(md.match(/(?<!\\)\]\(/g)).toHaveLength(1)
    expect(md).toContain(
      '[#1001](https://github.example.com/acme/models/actions/runs/1001/attempts/1)'
    )
    // Another repository's run, or a malformed id, is shown as text, not linked.
    expect(md).not.toContain('mallory/elsewhere/actions')
    const rows = md.split('\n').filter(l => /^\| \d+ \|/.test(l))
    expect(rows[0]!.endsWith('| 1003 |')).toBe(true)
    expect(rows[1]).toContain('1002) \\[x\\](https://evil.example |')
  })

  it('puts a broken chain above the table, naming the line', () => {
    const md = entriesSummary('AUDIT.log', entries.slice(0, 1), {
      valid: false,
      entries: 1,
      headSha256: 'f'.repeat(64),
      firstBad: { line: 2, reason: 'was changed' }
    })
    expect(md).toContain('**AUDIT.log: chain broken at line 2**, which was changed')
  })
})

describe('appendedSummary', () => {
  it('keeps an unrecorded entry in a code fence that a reason with backticks cannot close', () => {
    const line = JSON.stringify(sampleFields(1, { reason: 'see ```json trick```' }))
    const md = appendedSummary('AUDIT.log', line, undefined)
    expect(md).toContain('**Not recorded in AUDIT.log.**')
    expect(md).toContain(`\`\`\`\`json\n${line}\n\`\`\`\``)
  })
})
