import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DvcIgnore } from './dvcignore.js'

export interface WalkedFile {
  /** '/'-separated, relative to the walked directory. */
  relpath: string
  abs: string
  size: number
}

export interface WalkResult {
  files: WalkedFile[]
  /** Symlinked files whose target is outside the project: not read. */
  escaped: string[]
}

/**
 * Lists a tracked directory the way dvc-data builds a tree: files only (empty directories
 * vanish), `.dvcignore` applied, symlinked directories not entered, symlinked files followed.
 */
export async function walkTrackedDir(
  dirAbs: string,
  dirRelToRoot: string,
  ignore: DvcIgnore,
  realRoot: string,
  allowExternal: boolean
): Promise<WalkResult> {
  const files: WalkedFile[] = []
  const escaped: string[] = []
  const pending: string[] = ['']
  const regular: WalkedFile[] = []
  while (pending.length > 0) {
    const sub = pending.pop()!
    const entries = await readdir(path.join(dirAbs, sub), { withFileTypes: true })
    for (const entry of entries) {
      const relpath = sub ? `${sub}/${entry.name}` : entry.name
      const abs = path.join(dirAbs, relpath)
      const relToRoot = dirRelToRoot ? `${dirRelToRoot}/${relpath}` : relpath
      if (entry.isDirectory()) {
        if (!ignore.isEntryIgnored(relToRoot, true)) pending.push(relpath)
        continue
      }
      if (entry.isSymbolicLink()) {
        let target
        try {
          target = await stat(abs)
        } catch {
          continue // dangling link: os.walk lists it, but dvc-data cannot hash it either
        }
        if (target.isDirectory()) continue
        if (ignore.isEntryIgnored(relToRoot, false)) continue
        const real = await realpath(abs)
        const rel = path.relative(realRoot, real)
        if ((rel.startsWith('..') || path.isAbsolute(rel)) && !allowExternal) {
          escaped.push(relpath)
          continue
        }
        files.push({ relpath, abs, size: target.size })
        continue
      }
      if (!entry.isFile()) continue
      if (ignore.isEntryIgnored(relToRoot, false)) continue
      regular.push({ relpath, abs, size: 0 })
    }
    // Sizes only balance the hashing batches; stat them concurrently, not one await per file.
    await Promise.all(regular.map(async f => (f.size = (await lstat(f.abs)).size)))
    files.push(...regular)
    regular.length = 0
  }
  return { files, escaped }
}
