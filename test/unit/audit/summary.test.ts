import { describe, expect, it } from '@jest/globals'
import type { AuditEntry } from '../../../src/audit/entry.js'
import { appendedSummary, entriesSummary } from '../../../src/audit/summary.js'
import { buildLines, sampleFields } from './sample.js'

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
