import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeHashed } from '../../../src/serving/index.js'

const CHUNK = 16 * 1024
const TOTAL = 200 * 1024 * 1024

/** A 200 MB body made on demand from one 16 KiB pattern: no copy of the whole ever exists. */
function pattern(index: number): Buffer {
  const b = Buffer.alloc(CHUNK)
  b.writeUInt32BE(index, 0)
  b.fill(index % 251, 4)
  return b
}

describe('writeHashed', () => {
  it('streams 200 MB holding one chunk at a time: each chunk is on disk before the next is pulled', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 's3rs-stream-')), 'big.bin')
    const expected = createHash('md5')
    let behind = 0
    async function* body(): AsyncGenerator<Uint8Array> {
      await Promise.resolve()
      for (let i = 0; i < TOTAL / CHUNK; i++) {
        // When asked for chunk i, every earlier byte must already be in the file: the writer
        // pulled this chunk only after writing the last one, so at most one is held in memory.
        if (i > 0 && statSync(file).size !== i * CHUNK) behind++
        const chunk = pattern(i)
        expected.update(chunk)
        yield chunk
      }
    }
    try {
      const written = await writeHashed(body(), file)
      expect(behind).toBe(0)
      expect(written).toEqual({ md5: expected.digest('hex'), bytes: TOTAL })
      expect(statSync(file).size).toBe(TOTAL)
    } finally {
      // 200 MB is not left behind in the temporary directory.
      rmSync(path.dirname(file), { recursive: true, force: true })
    }
  })

  it('truncates on a second attempt (a retried download starts clean) and stops at the budget', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 's3rs-stream-')), 'f')
    async function* bytes(n: number): AsyncGenerator<Uint8Array> {
      await Promise.resolve()
      yield Buffer.alloc(n, 1)
    }
    await writeHashed(bytes(100), file)
    const again = await writeHashed(bytes(10), file)
    expect([again.bytes, statSync(file).size]).toEqual([10, 10])
    await expect(writeHashed(bytes(11), file, { budget: 10, label: 'w.bin' })).rejects.toThrow(
      "The artifact 'w.bin' is larger than the download limit"
    )
  })

  it('stops between chunks once its signal is aborted', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 's3rs-stream-')), 'f')
    const controller = new AbortController()
    async function* body(): AsyncGenerator<Uint8Array> {
      await Promise.resolve()
      yield Buffer.alloc(1)
      controller.abort()
      yield Buffer.alloc(1)
    }
    await expect(writeHashed(body(), file, { signal: controller.signal })).rejects.toThrow(
      'interrupted'
    )
    expect(statSync(file).size).toBe(1)
  })
})
