import { readdirSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { kindOf, type FileKind } from '../files/read.js'
import { ALWAYS_IGNORED, type DvcIgnore } from './dvcignore.js'

export interface WalkedFile {
  /** '/'-separated, relative to the walked directory. */
  relpath: string
  abs: string
  /** Known only for symlinked files (stat is needed there anyway); hashing reports the rest. */
  size?: number
}

export interface WalkResult {
  files: WalkedFile[]
  /** Symlinked files whose target is outside the project: not read. */
  escaped: string[]
  /** FIFOs, sockets and devices (or symlinks to them): never opened, since a FIFO blocks. */
  special: { relpath: string; kind: FileKind }[]
}

/**
 * Lists a tracked directory the way dvc-data builds a tree: files only (empty directories
 * vanish), `.dvcignore` applied, symlinked directories not entered, symlinked files followed.
 */
export function walkTrackedDir(
  dirAbs: string,
  dirRelToRoot: string,
  ignore: DvcIgnore,
  realRoot: string,
  allowExternal: boolean,
  /** Called with each directory's files as soon as it is listed, in the order of `files`. */
  onFiles?: (files: WalkedFile[]) => void
): WalkResult {
  const files: WalkedFile[] = []
  const escaped: string[] = []
  const special: { relpath: string; kind: FileKind }[] = []
  const pending: string[] = ['']
  while (pending.length > 0) {
    const sub = pending.pop()!
    const subAbs = sub ? path.join(dirAbs, sub) : dirAbs
    // Synchronous on purpose: the walk is the main thread's only work at this point, and a
    // thread-pool round trip per directory left it idle while the workers waited for paths.
    const entries = readdirSync(subAbs, { withFileTypes: true })
    // Most trees have no .dvcignore on the way down: then only DVC's fixed names can be ignored,
    // and 20,000 entries need no pattern matching.
    const subRelToRoot = dirRelToRoot ? (sub ? `${dirRelToRoot}/${sub}` : dirRelToRoot) : sub
    const patterns = ignore.hasRulesFor(subRelToRoot)
    const ignored = (relToRoot: string, name: string, isDir: boolean): boolean =>
      patterns ? ignore.isEntryIgnored(relToRoot, isDir) : ALWAYS_IGNORED.has(name)
    const firstOfDir = files.length
    for (const entry of entries) {
      const relpath = sub ? `${sub}/${entry.name}` : entry.name
      const abs = `${subAbs}${path.sep}${entry.name}`
      const relToRoot = dirRelToRoot ? `${dirRelToRoot}/${relpath}` : relpath
      if (entry.isDirectory()) {
        if (!ignored(relToRoot, entry.name, true)) pending.push(relpath)
        continue
      }
      if (entry.isSymbolicLink()) {
        let target
        try {
          target = statSync(abs)
        } catch {
          continue // dangling link: os.walk lists it, but dvc-data cannot hash it either
        }
        if (target.isDirectory()) continue
        if (ignored(relToRoot, entry.name, false)) continue
        if (!target.isFile()) {
          special.push({ relpath, kind: kindOf(target) })
          continue
        }
        const real = realpathSync(abs)
        const rel = path.relative(realRoot, real)
        if ((rel.startsWith('..') || path.isAbsolute(rel)) && !allowExternal) {
          escaped.push(relpath)
          continue
        }
        files.push({ relpath, abs, size: target.size })
        continue
      }
      if (!entry.isFile()) {
        if (!ignored(relToRoot, entry.name, false))
          special.push({
            relpath,
            kind: entry.isFIFO()
              ? 'fifo'
              : entry.isSocket()
                ? 'socket'
                : entry.isBlockDevice() || entry.isCharacterDevice()
                  ? 'device'
                  : 'other'
          })
        continue
      }
      if (ignored(relToRoot, entry.name, false)) continue
      files.push({ relpath, abs })
    }
    if (onFiles && files.length > firstOfDir) onFiles(files.slice(firstOfDir))
  }
  return { files, escaped, special }
}
