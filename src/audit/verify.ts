import { createReadStream, existsSync } from 'node:fs'
import { ChainChecker, type ChainResult } from './chain.js'

export interface VerifyOptions {
  /** SHA-256 of a line the file must contain, e.g. the sha256 output of an earlier append. */
  expectedSha256?: string
  /** Called with every line that verified, e.g. to keep the newest N for rendering. */
  onEntry?: (line: Buffer, seq: number) => void
}

/** Splits byte chunks on '\n' without decoding, so hashes cover the exact bytes on disk. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>
): AsyncGenerator<{ bytes: Buffer; terminated: boolean }> {
  let carry: Buffer[] = []
  for await (const chunk of chunks) {
    let start = 0
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, at)
      const bytes = carry.length > 0 ? Buffer.concat([...carry, piece]) : Buffer.from(piece)
      carry = []
      yield { bytes, terminated: true }
      start = at + 1
    }
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)))
  }
  if (carry.length > 0) yield { bytes: Buffer.concat(carry), terminated: false }
}

async function check(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  options: VerifyOptions
): Promise<ChainResult> {
  const checker = new ChainChecker(options.expectedSha256)
  for await (const { bytes, terminated } of splitLines(chunks)) {
    const before = checker.accepted
    checker.push(bytes, terminated)
    if (checker.done) break
    if (options.onEntry && checker.accepted > before) options.onEntry(bytes, checker.accepted)
  }
  return checker.finish()
}

/** Verifies bytes already in memory (append mode reads the file at the branch tip). */
export function verifyBytes(content: Buffer, options: VerifyOptions = {}): Promise<ChainResult> {
  return check([content], options)
}

/** Streams a file through the checker; memory stays flat however long the file is. */
export async function verifyFile(
  path: string,
  options: VerifyOptions = {}
): Promise<ChainResult & { exists: boolean }> {
  if (!existsSync(path)) return { ...(await verifyBytes(Buffer.alloc(0), options)), exists: false }
  const stream = createReadStream(path, { highWaterMark: 1 << 16 })
  try {
    return { ...(await check(stream as AsyncIterable<Buffer>, options)), exists: true }
  } finally {
    stream.destroy()
  }
}
