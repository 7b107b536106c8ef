/**
 * Pulls delimited records and exact byte counts out of a stream of chunks, without decoding:
 * what `git log` and `git cat-file --batch` print is read as bytes.
 */
export class ByteReader {
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false
  private readonly iterator: AsyncIterator<Buffer>

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.iterator.next()
    if (next.done) {
      this.ended = true
      return false
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value])
    return true
  }

  /** The bytes up to (not including) the next `delimiter`; at the end, what is left (or undefined). */
  async until(delimiter: number): Promise<Buffer | undefined> {
    let from = 0
    for (;;) {
      const at = this.buffer.indexOf(delimiter, from)
      if (at !== -1) {
        const record = this.buffer.subarray(0, at)
        this.buffer = this.buffer.subarray(at + 1)
        return record
      }
      from = this.buffer.length
      if (!(await this.fill())) {
        if (this.buffer.length === 0) return undefined
        const rest = this.buffer
        this.buffer = Buffer.alloc(0)
        return rest
      }
    }
  }

  /** Exactly `count` bytes, or undefined when the stream ends first. */
  async exact(count: number): Promise<Buffer | undefined> {
    if (this.buffer.length < count) {
      // Gathered first and joined once: joining on every chunk would copy a large blob n times.
      const parts = [this.buffer]
      let total = this.buffer.length
      while (total < count && !this.ended) {
        const next = await this.iterator.next()
        if (next.done) this.ended = true
        else {
          parts.push(next.value)
          total += next.value.length
        }
      }
      this.buffer = Buffer.concat(parts)
      if (this.buffer.length < count) return undefined
    }
    const out = this.buffer.subarray(0, count)
    this.buffer = this.buffer.subarray(count)
    return out
  }
}
