import { realpathSync } from 'node:fs'
import path from 'node:path'

/** Why a path from dvc.yaml / dvc.lock / a .dir manifest was not read. */
export type Refusal = 'absolute' | 'parent-reference' | 'symlink-escape'

export type SafePath =
  | { ok: true; abs: string; external: boolean; why?: Refusal }
  | { ok: false; abs: string; why: Refusal }

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

/**
 * Resolves a path written in dvc.yaml or dvc.lock (relative to the stage wdir) and decides
 * whether we may read it. Absolute paths, `..` segments and symlinks that land outside the
 * project are refused unless allow-external is on: a lock is user input, and reading
 * /etc/shadow or ~/.ssh because a lock named it would leak through hashes and timings.
 */
export function resolveProjectPath(
  root: string,
  realRoot: string,
  wdir: string,
  written: string,
  allowExternal: boolean
): SafePath {
  const segments = written.split(/[\\/]/)
  let why: Refusal | undefined
  if (path.isAbsolute(written) || /^[a-zA-Z]:[\\/]/.test(written) || written.startsWith('\\'))
    why = 'absolute'
  else if (segments.includes('..') || wdir.split(/[\\/]/).includes('..')) why = 'parent-reference'
  const abs = path.resolve(root, wdir, written.replace(/\\/g, '/'))
  if (!why && !inside(realRoot, landing(abs))) why = 'symlink-escape'
  if (!why) return { ok: true, abs, external: false }
  return allowExternal ? { ok: true, abs, external: true, why } : { ok: false, abs, why }
}

/** A `.dir` manifest relpath must stay below its directory: no absolute path, no `..`. */
export function manifestRelpathEscapes(relpath: string): boolean {
  return (
    relpath.startsWith('/') ||
    relpath.split('/').some(part => part === '..') ||
    /^[a-zA-Z]:/.test(relpath) ||
    relpath.includes('\\')
  )
}

export function describeRefusal(why: Refusal): string {
  switch (why) {
    case 'absolute':
      return 'is an absolute path'
    case 'parent-reference':
      return "contains '..'"
    case 'symlink-escape':
      return 'resolves through a symlink to outside the project'
  }
}
