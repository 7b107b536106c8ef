import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { manifestRelpathEscapes } from './paths.js'

/**
 * Presence of objects in the local DVC cache, which `dvc status` consults before the workspace
 * ("not in cache"). Only existence is checked: DVC additionally re-hashes writable cache files
 * and deletes corrupt ones, which a read-only verifier must not do.
 */
export class DvcCacheIndex {
  readonly dir: string
  private readonly manifests = new Map<string, { relpath: string; md5: string }[] | undefined>()

  constructor(root: string) {
    this.dir = cacheDir(root)
  }

  private objectPath(md5: string, legacy: boolean): string {
    const parts = [md5.slice(0, 2), md5.slice(2)]
    return legacy ? path.join(this.dir, ...parts) : path.join(this.dir, 'files', 'md5', ...parts)
  }

  /** The `.dir` manifest from the cache, or undefined when absent or unreadable. */
  manifest(md5: string, legacy: boolean): { relpath: string; md5: string }[] | undefined {
    const key = `${legacy}:${md5}`
    if (!this.manifests.has(key)) {
      let entries: { relpath: string; md5: string }[] | undefined
      try {
        const parsed = JSON.parse(readFileSync(this.objectPath(md5, legacy), 'utf8')) as unknown
        if (Array.isArray(parsed)) entries = parsed as { relpath: string; md5: string }[]
      } catch {
        entries = undefined
      }
      this.manifests.set(key, entries)
    }
    return this.manifests.get(key)
  }

  /** Whether the object a lock entry names is fully in the cache (for a `.dir`, every file too). */
  has(md5: string, legacy: boolean): { present: boolean; escaping: string[] } {
    if (!md5.endsWith('.dir'))
      return { present: existsSync(this.objectPath(md5, legacy)), escaping: [] }
    const entries = this.manifest(md5, legacy)
    if (!entries) return { present: false, escaping: [] }
    // A crafted manifest could name ../../x; such entries are refused, never resolved.
    const escaping = entries
      .filter(e => typeof e.relpath !== 'string' || manifestRelpathEscapes(e.relpath))
      .map(e => String(e.relpath))
    const present = entries.every(
      e =>
        typeof e.md5 === 'string' &&
        /^[0-9a-f]{32}$/.test(e.md5) &&
        existsSync(this.objectPath(e.md5, legacy))
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
  for (const name of ['config.local', 'config']) {
    const file = path.join(dvcDir, name)
    if (!existsSync(file)) continue
    let section = ''
    for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
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
