import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import { parseJsonBounded } from '../files/parse.js'
import {
  guardPath,
  guardRoot,
  manifestRelpathEscapes,
  requireAccepted,
  type GuardRoot
} from '../files/paths.js'
import { readAcceptedSync } from '../files/read.js'
import { hashFilesSync } from './hash-file.js'

/** DVC's mode for a protected cache file: such files are trusted without re-hashing. */
const CACHE_MODE = 0o444

/**
 * Presence of objects in the local DVC cache, which `dvc status` consults before the workspace
 * ("not in cache"). As dvc-data's LocalHashFileDB.check: a file with mode 0444 is trusted; any
 * other is re-hashed (md5, or md5-dos2unix in the legacy cache) and a corrupt one counts as
 * missing. DVC then deletes it; a read-only verifier leaves it where it is.
 */
export class DvcCacheIndex {
  readonly dir: string
  private readonly base: GuardRoot
  private readonly manifests = new Map<string, { relpath: string; md5: string }[] | undefined>()

  constructor(root: string) {
    this.dir = cacheDir(root)
    this.base = guardRoot(this.dir)
  }

  /** Callers pass lock hashes, checked as hex when dvc.lock was loaded: never `..` or `/`. */
  private objectPath(md5: string, legacy: boolean): string {
    const parts = [md5.slice(0, 2), md5.slice(2)]
    return legacy ? path.join(this.dir, ...parts) : path.join(this.dir, 'files', 'md5', ...parts)
  }

  /** The `.dir` manifest from the cache, or undefined when absent or unreadable. */
  manifest(md5: string, legacy: boolean): { relpath: string; md5: string }[] | undefined {
    const key = `${legacy}:${md5}`
    if (!this.manifests.has(key)) {
      let entries: { relpath: string; md5: string }[] | undefined
      // Through the guard and the bounded reader like every other file: the cache can hold
      // anything a crafted checkout put there (a FIFO, a symlink out, a 1 GB "manifest").
      const safe = guardPath(this.base, path.relative(this.dir, this.objectPath(md5, legacy)), {
        allowExternal: false
      })
      try {
        const bytes = safe.ok
          ? readAcceptedSync(safe, { display: `the DVC cache object of ${md5}` })
          : undefined
        const parsed = bytes
          ? parseJsonBounded(bytes.toString('utf8'), `the DVC cache object of ${md5}`)
          : undefined
        if (Array.isArray(parsed)) entries = parsed as { relpath: string; md5: string }[]
      } catch (error) {
        // Unreadable or not JSON: DVC treats it as missing from the cache too.
        if (!(error instanceof ConfigurationError) && !(error instanceof SyntaxError)) throw error
        entries = undefined
      }
      this.manifests.set(key, entries)
    }
    return this.manifests.get(key)
  }

  /** Whether one cache object is there and (unless protected) has the bytes its name says. */
  private valid(md5: string, legacy: boolean): boolean {
    const file = this.objectPath(md5, legacy)
    let stats
    try {
      stats = fs.lstatSync(file)
    } catch {
      return false
    }
    if (!stats.isFile()) return false
    if ((stats.mode & 0o7777) === CACHE_MODE) return true
    const [result] = hashFilesSync({ fs, crypto }, [
      { path: file, mode: legacy ? 'legacy' : 'md5' }
    ])
    return result !== undefined && !('error' in result) && result.md5 === md5.slice(0, 32)
  }

  /** Whether the object a lock entry names is fully in the cache (for a `.dir`, every file too). */
  has(md5: string, legacy: boolean): { present: boolean; escaping: string[] } {
    if (!md5.endsWith('.dir')) return { present: this.valid(md5, legacy), escaping: [] }
    if (!this.valid(md5, legacy)) return { present: false, escaping: [] }
    const entries = this.manifest(md5, legacy)
    if (!entries) return { present: false, escaping: [] }
    // A crafted manifest could name ../../x; such entries are refused, never resolved.
    const escaping = entries
      .filter(e => typeof e.relpath !== 'string' || manifestRelpathEscapes(e.relpath))
      .map(e => String(e.relpath))
    const present = entries.every(
      e => typeof e.md5 === 'string' && /^[0-9a-f]{32}$/.test(e.md5) && this.valid(e.md5, legacy)
    )
    return { present: present && escaping.length === 0, escaping }
  }
}

/** `cache.dir` from .dvc/config.local or .dvc/config (relative to .dvc), else .dvc/cache. */
function cacheDir(root: string): string {
  // One joined base, not path.resolve(root, '.dvc', value): ncc's asset relocator rewrites that
  // call shape into a path relative to the build folder, which made the bundle depend on the
  // checkout's folder name.
  const dvcDir = path.join(root, '.dvc')
  const base = guardRoot(root)
  for (const name of ['config.local', 'config']) {
    const display = `.dvc/${name}`
    const bytes = readAcceptedSync(
      requireAccepted(guardPath(base, display, { allowExternal: false }), display),
      { display }
    )
    if (bytes === undefined) continue
    let section = ''
    for (const raw of bytes.toString('utf8').split(/\r?\n/)) {
      const line = raw.trim()
      const header = /^\[\s*'?"?([^'"\]]+)'?"?\s*\]$/.exec(line)
      if (header) section = header[1]!.trim()
      else if (section === 'cache') {
        const kv = /^dir\s*=\s*(.+)$/.exec(line)
        if (kv) return path.resolve(dvcDir, kv[1]!.trim())
      }
    }
  }
  return path.join(dvcDir, 'cache')
}
