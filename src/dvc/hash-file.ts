/**
 * File hashing, DVC's three ways. The function below is self-contained on purpose: the worker
 * pool ships its source text (`hashFilesSync.toString()`) to worker threads, so it may use only
 * its parameters, never imports or module-level helpers.
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

export function hashFilesSync(
  deps: HashDeps,
  jobs: { path: string; mode: HashMode }[],
  buffer: Buffer
): HashOutcome[] {
  const CHUNK = 1024 * 1024
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
  const results: HashOutcome[] = []
  for (const job of jobs) {
    let fd: number | undefined
    try {
      fd = deps.fs.openSync(job.path, 'r')
      const plain = deps.crypto.createHash('md5')
      const dvc2 = job.mode === 'legacy' ? deps.crypto.createHash('md5') : undefined
      let size = 0
      let wholeFileText: boolean | undefined
      let differs = false
      for (;;) {
        // Fill a whole 1 MiB chunk: the legacy rule is defined on DVC's chunk boundaries.
        let filled = 0
        while (filled < CHUNK) {
          const n = deps.fs.readSync(fd, buffer, filled, CHUNK - filled, null)
          if (n === 0) break
          filled += n
        }
        if (filled === 0) break
        const chunk = buffer.subarray(0, filled)
        size += filled
        if (job.mode === 'md5') {
          plain.update(chunk)
        } else {
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
      }
      const md5 = plain.digest('hex')
      const out: FileHash = { md5, size }
      if (dvc2) {
        const other = dvc2.digest('hex')
        if (differs && other !== md5) out.md5Dvc2 = other
      }
      results.push(out)
    } catch (error) {
      results.push({ error: (error as { code?: string }).code ?? String(error) })
    } finally {
      if (fd !== undefined) deps.fs.closeSync(fd)
    }
  }
  return results
}

/**
 * Hashes files of one job, claiming them one at a time from a counter shared by every thread
 * working on the job, until none are left (`exhausted`) or, when given, `until` (a Date.now()
 * value) has passed. Self-contained like `hashFilesSync` (which it receives as `hashFiles`),
 * since workers get its source text too.
 */
export function hashClaimed(
  hashFiles: typeof hashFilesSync,
  deps: HashDeps,
  jobs: { path: string; mode: HashMode }[],
  counter: SharedArrayBuffer,
  buffer: Buffer,
  until?: number
): { indices: number[]; results: HashOutcome[]; exhausted: boolean } {
  const next = new Int32Array(counter)
  const indices: number[] = []
  const results: HashOutcome[] = []
  for (;;) {
    if (until !== undefined && Date.now() > until) return { indices, results, exhausted: false }
    const i = Atomics.add(next, 0, 1)
    if (i >= jobs.length) return { indices, results, exhausted: true }
    indices.push(i)
    results.push(hashFiles(deps, [jobs[i]!], buffer)[0]!)
  }
}
