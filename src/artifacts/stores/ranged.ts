/**
 * A large object read as ranged parts in parallel, handed to the consumer in order. One stream
 * from a store is limited by one connection (and, for a Python S3 server, one request thread);
 * several ranges at once fill the link, as boto3's `download_file` does. Memory stays bounded:
 * at most `concurrency` parts are held, whatever the object's size.
 */

export interface RangedOptions {
  /** Bytes per part after the first. */
  partSize: number
  /** Parts fetched at once, besides the first one being streamed. */
  concurrency: number
}

/** 8 MiB parts, 4 ahead: at most 32 MiB held per file read (boto3's default is 8 MiB × 10). */
export const DEFAULT_RANGED: RangedOptions = { partSize: 8 * 1024 * 1024, concurrency: 4 }

/** Objects at least this large are read in ranges; smaller ones in one request. */
export const RANGED_THRESHOLD = 32 * 1024 * 1024

async function collect(body: AsyncIterable<Uint8Array>, expected: number): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    length += chunk.length
    if (length > expected) break
  }
  if (length !== expected) {
    throw new Error(`a ranged read returned ${length} bytes where ${expected} were asked for`)
  }
  return Buffer.concat(chunks, length)
}

/**
 * The bytes of one object: the first part as it streams (already requested by the caller, who
 * learnt the object's size and version from it), then the rest, fetched `concurrency` at a time
 * by `fetchPart(start, endInclusive)`. Each fetch must pin the version the first read saw (an
 * ETag or generation precondition), so a concurrent overwrite fails the read instead of
 * splicing two versions together.
 */
export async function* partsInOrder(
  first: AsyncIterable<Uint8Array>,
  firstLength: number,
  total: number,
  fetchPart: (start: number, end: number) => Promise<AsyncIterable<Uint8Array>>,
  options: RangedOptions = DEFAULT_RANGED
): AsyncGenerator<Uint8Array> {
  const starts: number[] = []
  for (let s = firstLength; s < total; s += options.partSize) starts.push(s)
  const pending: Promise<Buffer>[] = []
  let next = 0
  const launch = (): void => {
    while (pending.length < options.concurrency && next < starts.length) {
      const start = starts[next++]!
      const end = Math.min(start + options.partSize, total) - 1
      const part = fetchPart(start, end).then(body => collect(body, end - start + 1))
      // Awaited later in order; until then a failure must not count as unhandled.
      part.catch(() => undefined)
      pending.push(part)
    }
  }
  launch()
  let streamed = 0
  for await (const chunk of first) {
    streamed += chunk.length
    yield chunk
  }
  if (streamed !== firstLength) {
    throw new Error(`the first part returned ${streamed} bytes where ${firstLength} were expected`)
  }
  while (pending.length > 0) {
    const part = await pending.shift()!
    launch()
    yield part
  }
}

/** `bytes 0-8388607/2147483648` → 2147483648; undefined when absent or odd. */
export function totalFromContentRange(contentRange: string | undefined): number | undefined {
  const match = /^bytes \d+-\d+\/(\d+)$/.exec(contentRange ?? '')
  return match ? Number(match[1]) : undefined
}
