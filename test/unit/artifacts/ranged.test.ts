import { describe, expect, test } from '@jest/globals'
import { partsInOrder, totalFromContentRange } from '../../../src/artifacts/stores/ranged.js'

async function* chunks(bytes: Uint8Array, size = 3): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve()
    yield bytes.subarray(i, i + size)
  }
}

async function concat(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of body) parts.push(c)
  return Buffer.concat(parts)
}

describe('ranged parallel reads', () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))

  test('hands the parts over in order, however they complete, with at most `concurrency` in flight', async () => {
    let inFlight = 0
    let most = 0
    const fetchPart = async (start: number, end: number): Promise<AsyncIterable<Uint8Array>> => {
      inFlight++
      most = Math.max(most, inFlight)
      // Later parts answer sooner: order must come from the reader, not from the network.
      await new Promise(r => setTimeout(r, (1000 - start) / 50))
      inFlight--
      return chunks(data.subarray(start, end + 1))
    }
    const out = await concat(
      partsInOrder(chunks(data.subarray(0, 100)), 100, data.length, fetchPart, {
        partSize: 64,
        concurrency: 3
      })
    )
    expect(out.equals(data)).toBe(true)
    expect(most).toBeLessThanOrEqual(3)
    expect(most).toBeGreaterThan(1)
  })

  test('a short part (an object that changed or a truncated answer) fails the read', async () => {
    const fetchPart = (start: number, end: number): Promise<AsyncIterable<Uint8Array>> =>
      Promise.resolve(chunks(data.subarray(start, end))) // one byte short
    await expect(
      concat(
        partsInOrder(chunks(data.subarray(0, 100)), 100, 300, fetchPart, {
          partSize: 100,
          concurrency: 2
        })
      )
    ).rejects.toThrow(/returned 99 bytes where 100 were asked for/)
  })

  test('a failed part fails the read (and no rejection goes unhandled meanwhile)', async () => {
    const fetchPart = (start: number): Promise<AsyncIterable<Uint8Array>> =>
      start === 200
        ? Promise.reject(new Error('PreconditionFailed'))
        : Promise.resolve(chunks(data.subarray(start, start + 100)))
    await expect(
      concat(
        partsInOrder(chunks(data.subarray(0, 100)), 100, 400, fetchPart, {
          partSize: 100,
          concurrency: 3
        })
      )
    ).rejects.toThrow(/PreconditionFailed/)
  })

  test('reads the total size from Content-Range', () => {
    expect(totalFromContentRange('bytes 0-8388607/2147483648')).toBe(2147483648)
    expect(totalFromContentRange('bytes */100')).toBeUndefined()
    expect(totalFromContentRange(undefined)).toBeUndefined()
  })
})
