import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatLine, GENESIS_PREV, sha256Hex } from '../../../src/audit/format.js'
import { splitLines, verifyBytes } from '../../../src/audit/verify.js'
import { buildLines, joinLines, sampleFields } from '../../harness/audit-sample.js'

describe('verify: a valid chain', () => {
  it('counts the entries and reports the last line as head', async () => {
    const lines = buildLines(5)
    const result = await verifyBytes(joinLines(lines))
    expect(result).toEqual({ valid: true, entries: 5, headSha256: sha256Hex(lines[4]!) })
  })

  it('treats an empty file as an empty valid chain whose head is 64 zeros', async () => {
    expect(await verifyBytes(Buffer.alloc(0))).toEqual({
      valid: true,
      entries: 0,
      headSha256: GENESIS_PREV
    })
  })

  it('hashes exact bytes, so key order in a hand-written line does not matter', async () => {
    const first = buildLines(1)[0]!
    const reordered = JSON.stringify(
      Object.fromEntries(Object.entries(JSON.parse(first) as object).reverse())
    )
    const second = formatLine(sampleFields(1), 2, sha256Hex(reordered))
    expect((await verifyBytes(joinLines([reordered, second]))).valid).toBe(true)
  })

  it('splits lines across chunk boundaries without decoding them', async () => {
    const bytes = joinLines(buildLines(3))
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))
    const lines: Buffer[] = []
    for await (const { bytes: line } of splitLines(chunks)) lines.push(line)
    expect(Buffer.concat(lines.map(l => Buffer.concat([l, Buffer.from('\n')])))).toEqual(bytes)
  })
})

describe('verify: tampering names the right line', () => {
  const lines = buildLines(8)

  it('one changed byte in an old line (still valid JSON) is reported at that line', async () => {
    const tampered = [...lines]
    tampered[2] = tampered[2]!.replace('"release 2"', '"release 9"')
    const result = await verifyBytes(joinLines(tampered))
    expect(result.valid).toBe(false)
    expect(result.firstBad).toEqual({ line: 3, reason: expect.stringContaining('was changed') })
    expect(result.entries).toBe(3)
  })

  it('one changed byte that breaks the JSON is reported at that line', async () => {
    const tampered = [...lines]
    tampered[4] = tampered[4]!.replace('{"v"', '["v"')
    expect((await verifyBytes(joinLines(tampered))).firstBad).toEqual({
      line: 5,
      reason: expect.stringContaining('not valid JSON')
    })
  })

  it('a changed prev field is reported at the line that holds it', async () => {
    const tampered = [...lines]
    const entry = JSON.parse(tampered[5]!) as { prev: string }
    tampered[5] = tampered[5]!.replace(
      entry.prev,
      `${entry.prev[0] === 'a' ? 'b' : 'a'}${entry.prev.slice(1)}`
    )
    expect((await verifyBytes(joinLines(tampered))).firstBad?.line).toBe(6)
  })

  it('a deleted line is reported where the gap is', async () => {
    const tampered = lines.filter((_, i) => i !== 3)
    expect((await verifyBytes(joinLines(tampered))).firstBad).toEqual({
      line: 4,
      reason: expect.stringContaining('a line was deleted')
    })
  })

  it('two swapped lines are reported at the first of them', async () => {
    const tampered = [...lines]
    ;[tampered[5], tampered[6]] = [tampered[6]!, tampered[5]!]
    expect((await verifyBytes(joinLines(tampered))).firstBad).toEqual({
      line: 6,
      reason: expect.stringContaining('swapped')
    })
  })

  it('a last line truncated mid-way is reported as truncated', async () => {
    const bytes = joinLines(lines)
    const cut = bytes.subarray(0, bytes.length - 40)
    expect((await verifyBytes(cut)).firstBad).toEqual({
      line: 8,
      reason: expect.stringContaining('truncated')
    })
  })

  it('a forged line with a correct-looking seq and prev is reported as inserted', async () => {
    const forged = formatLine(sampleFields(99, { reason: 'forged' }), 4, sha256Hex(lines[2]!))
    const tampered = [...lines.slice(0, 3), forged, ...lines.slice(3)]
    expect((await verifyBytes(joinLines(tampered))).firstBad).toEqual({
      line: 4,
      reason: expect.stringContaining('was inserted')
    })
  })

  it('a missing key, a blank line and a repeated line are each named', async () => {
    const noActor = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), actor: undefined })
    expect((await verifyBytes(joinLines([noActor]))).firstBad?.reason).toContain(
      'missing required key(s): actor'
    )
    expect((await verifyBytes(joinLines([lines[0]!, '', lines[1]!]))).firstBad).toEqual({
      line: 2,
      reason: expect.stringContaining('blank')
    })
    expect((await verifyBytes(joinLines([lines[0]!, lines[0]!]))).firstBad).toEqual({
      line: 2,
      reason: expect.stringContaining('repeats line 1')
    })
  })

  it('a changed last line is caught by the expected SHA-256 anchor, which the chain alone cannot do', async () => {
    const tampered = [...lines]
    tampered[7] = tampered[7]!.replace('"release 7"', '"release X"')
    expect((await verifyBytes(joinLines(tampered))).valid).toBe(true)
    const anchored = await verifyBytes(joinLines(tampered), {
      expectedSha256: sha256Hex(lines[7]!)
    })
    expect(anchored.valid).toBe(false)
    expect(anchored.firstBad?.reason).toContain('no line has the expected SHA-256')
    expect(
      (await verifyBytes(joinLines(lines), { expectedSha256: sha256Hex(lines[3]!) })).valid
    ).toBe(true)
  })
})

describe('verify: properties', () => {
  const reasonArb = fc.string({ unit: 'binary', maxLength: 60 })

  it('any sequence of appends verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reasonArb, { minLength: 1, maxLength: 25 }), async reasons => {
        const lines = buildLines(reasons.length, i => sampleFields(i, { reason: reasons[i]! }))
        const result = await verifyBytes(joinLines(lines))
        expect(result).toEqual({
          valid: true,
          entries: reasons.length,
          headSha256: sha256Hex(lines.at(-1)!)
        })
        expect(lines.every(l => !/[\n\r\u2028\u2029\u0085]/.test(l))).toBe(true)
      }),
      { numRuns: 100 }
    )
  })

  it('any single-byte corruption is caught (with the head anchored, as an append output records it)', async () => {
    const lines = buildLines(6, i =>
      sampleFields(i, { reason: `r${i} \u00e9\u4e2d\ud83d\ude00 "q"\n` })
    )
    const bytes = joinLines(lines)
    const head = sha256Hex(lines.at(-1)!)
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, xor) => {
          const corrupt = Buffer.from(bytes)
          corrupt[at] = corrupt[at]! ^ xor
          const result = await verifyBytes(corrupt, { expectedSha256: head })
          expect(result.valid).toBe(false)
          // The reported line is the corrupted one, or (when a newline byte changed) its neighbour.
          const lineOfByte = bytes.subarray(0, at).filter(b => b === 10).length + 1
          expect(Math.abs(result.firstBad!.line - lineOfByte)).toBeLessThanOrEqual(1)
        }
      ),
      { numRuns: 300 }
    )
  })
})
