import { realpathSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError, type SourceLocation } from '../core/errors.js'

/**
 * The one path guard for everything the suite reads from a repository: paths written in
 * dvc.yaml, dvc.lock, `vars:` and params files, metrics declarations, `.dir` manifests, and the
 * paths given as inputs. A file in the repository is untrusted input: reading /etc/shadow or
 * ~/.ssh because a lock or a vars list named it would leak the contents through hashes,
 * interpolated commands or error messages.
 */

/** Why a path was not read. */
export type Refusal = 'absolute' | 'parent-reference' | 'symlink-escape' | 'invalid'

export type SafePath =
  | { ok: true; abs: string; external: boolean; why?: Refusal }
  | { ok: false; abs: string; why: Refusal }

/** A path the guard accepted: the only thing the readers in ./read.ts open. */
export type AcceptedPath = Extract<SafePath, { ok: true }>

/** The directory paths must stay inside, with its realpath resolved once. */
export interface GuardRoot {
  root: string
  realRoot: string
}

export function guardRoot(root: string): GuardRoot {
  const abs = path.resolve(root)
  let realRoot = abs
  try {
    realRoot = realpathSync(abs)
  } catch {
    // A root that does not exist yet (a cache dir): nothing under it exists either.
  }
  return { root: abs, realRoot }
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/** realpath of the deepest existing ancestor, joined with the rest: where the path would land. */
function landing(abs: string): string {
  const missing: string[] = []
  let current = abs
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse())
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return abs
      missing.push(path.basename(current))
      current = parent
    }
  }
}

const isAbsoluteAnywhere = (p: string): boolean =>
  path.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('\\') || p.startsWith('/')

/** Lexically, whether `wdir/written` climbs above the root (`a/../b` stays inside). */
function climbsOut(wdir: string, written: string): boolean {
  const joined = path.posix.normalize(
    path.posix.join(wdir.replace(/\\/g, '/'), written.replace(/\\/g, '/'))
  )
  return joined === '..' || joined.startsWith('../')
}

export interface GuardOptions {
  /** Directory (relative to the root) the path is written relative to: a stage's wdir. */
  wdir?: string
  /** Read what is refused anyway (input allow-external): the result says `external: true`. */
  allowExternal: boolean
  /**
   * For inputs: an absolute path that lands inside the root is fine (`${{ github.workspace }}/x`).
   * Paths written inside repository files never are: DVC treats them as external.
   */
  absoluteInside?: boolean
}

/**
 * Resolves a path and decides whether it may be read. Absolute paths, `..` that climbs above
 * the root, and symlinks that land outside it are refused unless allow-external is on. Pure:
 * nothing is opened, and it never throws.
 */
export function guardPath(base: GuardRoot, written: string, options: GuardOptions): SafePath {
  const wdir = options.wdir ?? '.'
  let why: Refusal | undefined
  // NUL cannot be in a file name; Node's fs would throw a TypeError on it.
  if (typeof written !== 'string' || written.includes('\0') || wdir.includes('\0')) {
    return { ok: false, abs: base.root, why: 'invalid' }
  }
  const absoluteWritten = isAbsoluteAnywhere(written) || isAbsoluteAnywhere(wdir)
  if (absoluteWritten && !options.absoluteInside) why = 'absolute'
  else if (!absoluteWritten && climbsOut(wdir, written)) why = 'parent-reference'
  const abs = path.resolve(base.root, wdir, written.replace(/\\/g, '/'))
  if (!why && !inside(base.root, abs)) why = absoluteWritten ? 'absolute' : 'parent-reference'
  if (!why && !inside(base.realRoot, landing(abs))) why = 'symlink-escape'
  if (!why) return { ok: true, abs, external: false }
  return options.allowExternal ? { ok: true, abs, external: true, why } : { ok: false, abs, why }
}

/** The guard for a path written in dvc.yaml or dvc.lock, relative to the stage wdir. */
export function resolveProjectPath(
  root: string,
  realRoot: string,
  wdir: string,
  written: string,
  allowExternal: boolean
): SafePath {
  return guardPath({ root, realRoot }, written, { wdir, allowExternal })
}

/**
 * The guard's verdict as an error: names the path and why, never the contents (nothing was
 * read), and what to change.
 */
export function requireAccepted(
  safe: SafePath,
  what: string,
  location?: SourceLocation,
  fix = 'set allow-external: true to read it'
): AcceptedPath {
  if (safe.ok) return safe
  const where = location ? `${location.file}${location.line ? `:${location.line}` : ''}: ` : ''
  throw new ConfigurationError(
    `${where}${what} ${describeRefusal(safe.why)}; it was not read (${fix}, or move the file into the project)`,
    location ? { location } : {}
  )
}

/** A `.dir` manifest relpath must stay below its directory: no absolute path, no `..`. */
export function manifestRelpathEscapes(relpath: string): boolean {
  return (
    relpath.startsWith('/') ||
    relpath.split('/').some(part => part === '..') ||
    /^[a-zA-Z]:/.test(relpath) ||
    relpath.includes('\\') ||
    relpath.includes('\0')
  )
}

const REFUSALS: Record<Refusal, string> = {
  absolute: 'is an absolute path',
  'parent-reference': "contains '..' leading outside the project",
  'symlink-escape': 'resolves through a symlink to outside the project',
  invalid: 'is not a valid path (it contains a NUL character)'
}

export function describeRefusal(why: Refusal): string {
  return REFUSALS[why]
}
