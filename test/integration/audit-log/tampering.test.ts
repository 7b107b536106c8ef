import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, sha256Hex } from '../../../src/audit/format.js'
import { chainOf } from '../../harness/audit-trail.js'
import { runPythonJson } from '../../harness/python.js'
import { buildLines, joinLines, sampleFields } from '../../harness/audit-sample.js'
import { scratch } from './fixtures.js'

const lines = buildLines(10)
const cases: [string, () => Buffer, number, string][] = [
  [
    'one byte changed in an old line',
    () => joinLines(lines.map((l, i) => (i === 3 ? l.replace('release 3', 'release 4') : l))),
    4,
    'was changed'
  ],
  ['a line deleted', () => joinLines(lines.filter((_, i) => i !== 5)), 6, 'deleted'],
  [
    'two lines swapped',
    () => joinLines([...lines.slice(0, 2), lines[3]!, lines[2]!, ...lines.slice(4)]),
    3,
    'swapped'
  ],
  [
    'the last line truncated mid-way',
    () => joinLines(lines).subarray(0, joinLines(lines).length - 30),
    10,
    'truncated'
  ],
  [
    'a forged line with a correct-looking seq inserted',
    () =>
      joinLines([
        ...lines.slice(0, 7),
        formatLine(sampleFields(70, { reason: 'forged' }), 8, sha256Hex(lines[6]!)),
        ...lines.slice(7)
      ]),
    8,
    'was inserted'
  ]
]

describe('verify on a file on disk names the tampered line', () => {
  const dir = scratch('tamper')

  it.each(cases)('%s', async (_name, make, line, reason) => {
    const file = path.join(dir, `${line}.log`)
    writeFileSync(file, make())
    const result = await chainOf(file)
    expect(result.valid).toBe(false)
    expect(result.firstBad).toEqual({ line, reason: expect.stringContaining(reason) })
    // An independent reader following only the published rules also rejects the file.
    expect(runPythonJson<{ valid: boolean }>('audit_verify.py', [file]).valid).toBe(false)
  })
})
