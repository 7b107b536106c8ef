/**
 * File hashing, DVC's three ways, the same code on every thread: the calling thread and the
 * pool's workers (hash-worker.ts, a module file of its own) both run `hashClaimed`.
 *
 * - `md5`: md5 of the raw bytes (lock entries with `hash: md5`).
 * - `legacy`: entries without `hash:` (written by DVC 2). DVC 3's `md5-dos2unix` reads 1 MiB
 *   chunks and re-decides text/binary from each chunk's first 512 bytes, replacing CRLF by LF
 *   within text chunks. DVC 2 decided once from the file's first 512 bytes; we compute both in
 *   one pass so a lock written by DVC 2 is not reported modified when only the rules differ.
 */
export type HashMode = 'md5' | 'legacy'

export interface FileHash {
  md5: string
  /** DVC 2's whole-file text decision; only for legacy entries, and only when it differs. */
  md5Dvc2?: string
  size: number
}

export interface HashDeps {
  fs: typeof import('node:fs')
  crypto: typeof import('node:crypto')
}

export type HashOutcome = FileHash | { error: string }

/**
 * Per-thread buffers: 1 MiB for DVC's legacy chunks, 64 KiB for plain reads. Plain md5 needs
 * its own small allocation: reads into a slice of a 1 MiB buffer cost a worker thread four
 * times the kernel time (measured: 250 ms against 45 ms of system time for 512 MiB).
 */
export interface HashBuffers {
  chunk: Buffer
  read: Buffer
}

/** One set per thread. */
export function hashBuffers(): HashBuffers {
  return { chunk: Buffer.allocUnsafe(1024 * 1024), read: Buffer.allocUnsafe(64 * 1024) }
}

/**
 * Hashes one file, yielding after each full 1 MiB chunk so that the main thread can hash a
 * large file in slices and keep its event loop turning. Small files never yield.
 */
export function* hashFileSteps(
  deps: HashDeps,
  file: string,
  mode: HashMode,
  buffers: HashBuffers
): Generator<undefined, HashOutcome, undefined> {
  const CHUNK = buffers.chunk.length
  const READ = buffers.read.length
  const isText = (block: Buffer): boolean => {
    if (block.length === 0) return true
    let nonText = 0
    for (let i = 0; i < block.length; i++) {
      const b = block[i] as number
      if (b === 0) return false
      if (!((b >= 32 && b <= 126) || b === 10 || b === 13 || b === 9 || b === 12 || b === 8))
        nonText++
    }
    return nonText / block.length <= 0.3
  }
  const dos2unix = (chunk: Buffer): Buffer => {
    let at = chunk.indexOf('\r\n')
    if (at < 0) return chunk
    const out = Buffer.allocUnsafe(chunk.length)
    let written = 0
    let from = 0
    while (at >= 0) {
      written += chunk.copy(out, written, from, at)
      from = at + 1
      at = chunk.indexOf('\r\n', from)
    }
    written += chunk.copy(out, written, from)
    return out.subarray(0, written)
  }
  let fd: number | undefined
  try {
    // Non-blocking open, then fstat on the descriptor: a FIFO put where a file was listed
    // is refused instead of blocking this thread forever (O_NONBLOCK changes nothing for
    // regular files; Windows has none).
    fd = deps.fs.openSync(file, deps.fs.constants.O_RDONLY | (deps.fs.constants.O_NONBLOCK || 0))
    const stats = deps.fs.fstatSync(fd)
    if (!stats.isFile()) return { error: 'ENOTREGULAR' }
    // A small file in plain mode: one read of its known size and one-shot crypto.hash (Node
    // >= 20.12), instead of a Hash object, its update and digest, and a read that returns 0.
    // On 20,000 files of 1-10 KB that is most of the per-file cost besides open and close.
    let first = 0
    if (mode === 'md5' && stats.size < READ) {
      first = deps.fs.readSync(fd, buffers.read, 0, READ, null)
      const oneShot = (deps.crypto as { hash?: (alg: string, data: Buffer) => string }).hash
      if (first === stats.size && typeof oneShot === 'function')
        return { md5: oneShot('md5', buffers.read.subarray(0, first)), size: first }
    }
    const plain = deps.crypto.createHash('md5')
    if (first > 0) plain.update(buffers.read.subarray(0, first))
    const dvc2 = mode === 'legacy' ? deps.crypto.createHash('md5') : undefined
    let size = 0
    let wholeFileText: boolean | undefined
    let differs = false
    for (;;) {
      // Fill a whole 1 MiB chunk: the legacy rule is defined on DVC's chunk boundaries. Plain
      // md5 hashes each 64 KiB read at once instead, while it is still in the CPU cache.
      let filled = first
      first = 0
      while (filled < CHUNK) {
        if (mode === 'md5') {
          const n = deps.fs.readSync(fd, buffers.read, 0, Math.min(READ, CHUNK - filled), null)
          if (n === 0) break
          plain.update(buffers.read.subarray(0, n))
          filled += n
          continue
        }
        const n = deps.fs.readSync(fd, buffers.chunk, filled, CHUNK - filled, null)
        if (n === 0) break
        filled += n
      }
      if (filled === 0) break
      size += filled
      if (mode !== 'md5') {
        const chunk = buffers.chunk.subarray(0, filled)
        const head = chunk.subarray(0, 512)
        const chunkText = isText(head)
        if (wholeFileText === undefined) wholeFileText = chunkText
        const converted = chunkText ? dos2unix(chunk) : chunk
        plain.update(converted)
        if (chunkText === wholeFileText) dvc2?.update(converted)
        else {
          differs = true
          dvc2?.update(wholeFileText ? dos2unix(chunk) : chunk)
        }
      }
      if (filled < CHUNK) break
      // The chunk is fully consumed: the buffers may be reused by anyone until we resume.
      yield undefined
    }
    const md5 = plain.digest('hex')
    const out: FileHash = { md5, size }
    if (dvc2) {
      const other = dvc2.digest('hex')
      if (differs && other !== md5) out.md5Dvc2 = other
    }
    return out
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) }
  } finally {
    if (fd !== undefined) deps.fs.closeSync(fd)
  }
}

/** Hashes files one after another on the calling thread. */
export function hashFilesSync(
  deps: HashDeps,
  jobs: { path: string; mode: HashMode }[],
  buffers: HashBuffers = hashBuffers()
): HashOutcome[] {
  return jobs.map(job => {
    const steps = hashFileSteps(deps, job.path, job.mode, buffers)
    for (;;) {
      const step = steps.next()
      if (step.done) return step.value
    }
  })
}

/** A file the calling thread has started and will resume in its next slice. */
export interface InProgress {
  index: number
  steps: Generator<undefined, HashOutcome, undefined>
}

/**
 * Hashes the files of one job (one hash mode), claiming them one at a time from a counter
 * shared by every thread working on the job, until none are left (`exhausted`) or, when given,
 * `until` (a Date.now() value) has passed; then a file still being hashed comes back as
 * `current`, to be passed in again. `steps` is `hashFileSteps`.
 */
export function hashClaimed(
  steps: typeof hashFileSteps,
  deps: HashDeps,
  paths: string[],
  mode: HashMode,
  counter: SharedArrayBuffer,
  buffers: HashBuffers,
  until?: number,
  resume?: InProgress
): { indices: number[]; results: HashOutcome[]; exhausted: boolean; current?: InProgress } {
  const next = new Int32Array(counter)
  const indices: number[] = []
  const results: HashOutcome[] = []
  let current = resume
  // The deadline is checked only after some progress, so every call moves forward.
  let worked = false
  const late = (): boolean => worked && until !== undefined && Date.now() > until
  for (;;) {
    if (!current) {
      if (late()) return { indices, results, exhausted: false }
      const index = Atomics.add(next, 0, 1)
      if (index >= paths.length) return { indices, results, exhausted: true }
      current = { index, steps: steps(deps, paths[index]!, mode, buffers) }
    }
    let step = current.steps.next()
    worked = true
    while (!step.done) {
      if (late()) return { indices, results, exhausted: false, current }
      step = current.steps.next()
    }
    indices.push(current.index)
    results.push(step.value)
    current = undefined
  }
}
