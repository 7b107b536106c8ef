import { lstatSync, type Stats } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
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

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigurationError(
      `The audit log '${file}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`
    )
  }
}

/**
 * Refuses an audit log that is a symbolic link, or sits below one inside `root`, or is not a
 * regular file, before a byte of it is read: a link could point at any file on the runner (and a
 * FIFO would hang the read). Only lstat is used, so nothing is followed. `label` is how the
 * message names the file (e.g. "'file' names 'AUDIT.log', which").
 */
export function refuseLinkedFile(file: string, root: string | undefined, label: string): void {
  const relative = root === undefined ? '' : path.relative(root, file)
  const parts = relative && !relative.startsWith('..') ? relative.split(path.sep).slice(0, -1) : []
  let dir = root ?? ''
  for (const part of parts) {
    dir = path.join(dir, part)
    if (lstatOrUndefined(dir)?.isSymbolicLink())
      throw new ConfigurationError(
        `${label} is below a symbolic link (${part}); the audit log must be a regular file in the repository`
      )
  }
  const stat = lstatOrUndefined(file)
  if (stat?.isSymbolicLink())
    throw new ConfigurationError(
      `${label} is a symbolic link; the audit log must be a regular file in the repository, not a link to one`
    )
  if (stat && !stat.isFile())
    throw new ConfigurationError(`${label} is not a regular file; point it at the audit log`)
}
