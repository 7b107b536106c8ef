import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { ConfigurationError, type SourceLocation } from '../core/errors.js'
import type { AcceptedPath } from './paths.js'

/** dvc.yaml, dvc.lock, params, vars, metrics and policy files above this size are refused. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024

// O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer forever. On a regular
// file it changes nothing. Windows has no such flag (and no FIFOs a path can name).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

export type FileKind = 'missing' | 'file' | 'directory' | 'fifo' | 'socket' | 'device' | 'other'

export function kindOf(stats: Stats): FileKind {
  if (stats.isFile()) return 'file'
  if (stats.isDirectory()) return 'directory'
  if (stats.isFIFO()) return 'fifo'
  if (stats.isSocket()) return 'socket'
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'device'
  return 'other'
}

/** What is at a path (following symlinks), without opening it. */
export function fileKind(abs: string): FileKind {
  try {
    return kindOf(statSync(abs))
  } catch {
    return 'missing' // a dangling symlink too, as DVC sees it
  }
}

/** Why a kind of file is never read: said in messages, so the user knows what to remove. */
const KINDS: Partial<Record<FileKind, string>> = {
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  device: 'a device',
  directory: 'a directory'
}

export function describeKind(kind: FileKind): string {
  return KINDS[kind] ?? 'not a regular file'
}

export interface ReadOptions {
  /** How the file is named in messages (relative to the workspace or project). */
  display: string
  location?: SourceLocation
  limit?: number
}

function fail(message: string, options: ReadOptions): never {
  throw new ConfigurationError(message, {
    location: options.location ?? { file: options.display }
  })
}

/**
 * Reads a file the guard accepted: only a regular file, at most `limit` bytes. A FIFO, socket
 * or device is refused without blocking (opened non-blocking, then checked with fstat on the
 * descriptor itself, so a swap between check and open changes nothing). Missing: undefined.
 * Every failure is a ConfigurationError naming the file, never its contents.
 */
export function readAcceptedSync(safe: AcceptedPath, options: ReadOptions): Buffer | undefined {
  const limit = options.limit ?? MAX_FILE_BYTES
  let fd: number
  try {
    fd = openSync(safe.abs, OPEN_FLAGS)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    if (code === 'EISDIR') fail(`${options.display} is a directory, not a file`, options)
    return fail(`${options.display} cannot be opened (${code ?? 'error'})`, options)
  }
  try {
    const stats = fstatSync(fd)
    const kind = kindOf(stats)
    if (kind !== 'file')
      fail(
        `${options.display} is ${describeKind(kind)}; only regular files are read, so it was not read`,
        options
      )
    if (stats.size > limit)
      fail(
        `${options.display} is ${stats.size} bytes, over the ${limit}-byte limit for project files; check that it is the right file`,
        options
      )
    // Read at most limit + 1 bytes: a file that grows while read is caught too.
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, limit) + 1)
    let offset = 0
    for (;;) {
      const n = readSync(fd, buffer, offset, buffer.length - offset, null)
      if (n === 0) break
      offset += n
      if (offset > limit)
        fail(
          `${options.display} is over the ${limit}-byte limit for project files; check that it is the right file`,
          options
        )
      if (offset === buffer.length) break
    }
    return buffer.subarray(0, offset)
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    return fail(
      `${options.display} cannot be read (${(error as { code?: string }).code ?? 'error'})`,
      options
    )
  } finally {
    closeSync(fd)
  }
}

/** The same, for callers that must find the file: missing is an error too. */
export function readRequiredSync(
  safe: AcceptedPath,
  options: ReadOptions & { missing: string }
): Buffer {
  const bytes = readAcceptedSync(safe, options)
  if (bytes === undefined) fail(options.missing, options)
  return bytes
}
