import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { mkdtemp, rename, rm, rmdir } from 'node:fs/promises'
import path from 'node:path'
import { ActionError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { manifestHash, type ManifestEntry } from '../dvc/manifest.js'
import {
  DEFAULT_TREE_LIMITS,
  listArtifactTree,
  safeRelpath,
  type ArtifactClient,
  type ArtifactTree,
  type TreeLimits
} from './artifact-tree.js'
import { writeHashed } from './stream-file.js'
import { terminalSafeText } from './text.js'

export interface VerifiedDownload {
  /** The folder the verified files now sit in. */
  dir: string
  /** DVC's hash of what was downloaded: a file's md5, or `<md5>.dir` for a directory. */
  md5: string
  files: number
  bytes: number
  /** How the bytes were compared with the recorded md5, in a sentence. */
  compared: string
}

export interface DownloadOptions {
  client: ArtifactClient
  /** The artifact proxy path of the version's files (artifactRoot). */
  root: string
  /** The md5 the audit trail recorded for the version (DVC's: `<md5>` or `<md5>.dir`). */
  expectedMd5: string
  /** Where the verified files land; absent or an empty folder. */
  dir: string
  limits?: TreeLimits
  signal?: AbortSignal
  logger: Logger
}

/** Temporary folders being written now: removed synchronously on SIGINT (see abandonDownloads). */
const active = new Set<string>()

/**
 * Removes every temporary download folder of this process, synchronously: for a signal handler,
 * which must not leave half a model next to DIR when the process is stopped. Returns the paths.
 */
export function abandonDownloads(): string[] {
  const removed = [...active]
  for (const dir of removed) {
    rmSync(dir, { recursive: true, force: true })
    active.delete(dir)
  }
  return removed
}

const interrupted = (): ActionError =>
  new ActionError('The download was interrupted; nothing was kept')

/** DIR must be absent or an empty folder, and its parent must exist: nothing is created above it. */
function checkTarget(dir: string): void {
  let stat
  try {
    stat = lstatSync(dir)
  } catch {
    const parent = path.dirname(dir)
    if (!existsSync(parent) || !lstatSync(parent).isDirectory()) {
      throw new FieldError(
        'download',
        `is '${dir}', whose parent folder '${parent}' does not exist; create it first (resolve creates only DIR itself)`
      )
    }
    return
  }
  if (!stat.isDirectory() || stat.isSymbolicLink()) {
    throw new FieldError(
      'download',
      `is '${dir}', which exists and is not a folder; pass a new folder, or an empty one`
    )
  }
  if (readdirSync(dir).length > 0) {
    throw new FieldError(
      'download',
      `is '${dir}', which is not empty; resolve never mixes a model into other files. Pass a new or empty folder (or remove its contents)`
    )
  }
}

/** The recorded md5 must be DVC's: 32 hex digits, with `.dir` for a directory. */
function checkRecorded(md5: string): void {
  if (!/^[0-9a-f]{32}(\.dir)?$/.test(md5)) {
    throw new ActionError(
      `The audit trail's model_md5 '${terminalSafeText(md5)}' is not a DVC md5 (32 hex digits, optionally .dir), so the download cannot be verified; nothing was downloaded`
    )
  }
}

async function fetchTree(
  options: DownloadOptions,
  tree: ArtifactTree,
  temp: string,
  limits: TreeLimits
): Promise<{ entries: ManifestEntry[]; bytes: number }> {
  const { client, signal } = options
  const files =
    tree.kind === 'file'
      ? [{ relpath: tree.name, size: tree.size, remote: tree.root }]
      : tree.files.map(f => ({ ...f, remote: `${tree.root}/${f.relpath}` }))
  const entries: ManifestEntry[] = []
  let bytes = 0
  for (const file of files) {
    if (signal?.aborted || !active.has(temp)) throw interrupted()
    // Checked again here: no path from the server reaches the filesystem unchecked.
    if (!safeRelpath(file.relpath))
      throw new ActionError(`Refused the artifact path '${terminalSafeText(file.relpath)}'`)
    const local = path.join(temp, ...file.relpath.split('/'))
    mkdirSync(path.dirname(local), { recursive: true })
    const written = await client.downloadProxiedArtifact(file.remote, body =>
      writeHashed(body, local, {
        budget: limits.maxTotalBytes - bytes,
        label: file.relpath,
        ...(signal ? { signal } : {})
      })
    )
    if (file.size !== undefined && written.bytes !== file.size) {
      throw new ActionError(
        `The download of '${terminalSafeText(file.relpath)}' was short or long: the server listed ${file.size} bytes and sent ${written.bytes}; nothing was kept`
      )
    }
    if (!active.has(temp)) throw interrupted()
    bytes += written.bytes
    entries.push({ relpath: file.relpath, md5: written.md5 })
    options.logger.debug(`downloaded ${file.relpath} (${written.bytes} bytes, md5 ${written.md5})`)
  }
  return { entries, bytes }
}

/**
 * Downloads a version's files through the artifact proxy into a temporary folder next to `dir`
 * (same filesystem, so the final rename is atomic), hashes them DVC's way while they stream
 * (a file's md5; for a directory, DVC's `.dir` manifest hash of every file's relpath and md5,
 * src/dvc/manifest.ts), compares that with the md5 the audit trail recorded, and only then
 * renames the folder to `dir`. On a mismatch, a failed or short transfer, an interruption or
 * any error, the temporary folder is removed and `dir` is left as it was (absent or empty).
 */
export async function downloadVerified(options: DownloadOptions): Promise<VerifiedDownload> {
  const limits = options.limits ?? DEFAULT_TREE_LIMITS
  const dir = path.resolve(options.dir)
  checkRecorded(options.expectedMd5)
  checkTarget(dir)
  const tree = await listArtifactTree(options.client, options.root, limits)
  const isDir = options.expectedMd5.endsWith('.dir')
  if (isDir !== (tree.kind === 'dir')) {
    throw new ActionError(
      tree.kind === 'dir'
        ? `The audit trail recorded a file's md5 (${options.expectedMd5}) for this version, but its artifact '${terminalSafeText(options.root)}' is a directory of ${tree.files.length} file(s). ` +
            "A file's md5 cannot vouch for the other files (MLmodel decides how a model loads), so nothing was downloaded. Make the DVC output the directory MLflow serves (docs/serving.md)"
        : `The audit trail recorded a directory hash (${options.expectedMd5}) for this version, but its artifact '${terminalSafeText(options.root)}' is one file; nothing was downloaded`
    )
  }
  let temp: string
  try {
    temp = await mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}.resolve-`))
  } catch (error) {
    throw new FieldError(
      'download',
      `is '${dir}', but its temporary folder cannot be created next to it in '${path.dirname(dir)}' (${(error as { code?: string }).code ?? String(error)}); ` +
        'pass a folder whose parent is writable, e.g. a folder inside the volume (/models/current, not the mount point /models)'
    )
  }
  active.add(temp)
  try {
    const { entries, bytes } = await fetchTree(options, tree, temp, limits)
    const md5 = isDir ? manifestHash(entries) : entries[0]!.md5
    const compared = isDir
      ? `DVC's .dir hash of all ${entries.length} file(s) under '${options.root}' (relpath and md5 of each)`
      : `the md5 of the file '${options.root}'`
    if (md5 !== options.expectedMd5) {
      throw new ActionError(
        `The downloaded artifact is not the one the audit trail approved: ${compared} is ${md5}, the audit trail recorded ${options.expectedMd5}. ` +
          'The files in the artifact store were changed after the promotion; nothing was kept'
      )
    }
    // Abandoned meanwhile (a signal): the folder is gone, and must not come back as DIR.
    if (!active.has(temp)) throw interrupted()
    // The target is checked again: something may have been written there meanwhile.
    checkTarget(dir)
    const hadDir = existsSync(dir)
    try {
      if (hadDir) await rmdir(dir)
      await rename(temp, dir)
    } catch (error) {
      // Put back the empty folder that was there: DIR is left as it was found.
      if (hadDir && !existsSync(dir)) mkdirSync(dir)
      const code = (error as { code?: string }).code
      throw new FieldError(
        'download',
        `is '${dir}', which the verified download could not be moved to (${code ?? String(error)})` +
          (code === 'EXDEV' || code === 'EBUSY'
            ? '; it is a mount point or on another filesystem. Pass a folder inside the volume, e.g. /models/current'
            : '')
      )
    }
    active.delete(temp)
    const files = tree.kind === 'file' ? 1 : tree.files.length
    return { dir, md5, files, bytes, compared }
  } finally {
    if (active.has(temp)) {
      await rm(temp, { recursive: true, force: true })
      active.delete(temp)
    }
  }
}
