import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { mkdtemp, rename, rm, rmdir } from 'node:fs/promises'
import path from 'node:path'
import {
  DEFAULT_LISTING_LIMITS,
  manifestDigest,
  safeRelpath,
  type ArtifactListing,
  type ArtifactReader,
  type DigestedFile,
  type ListingLimits
} from '../artifacts/index.js'
import { ActionError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { manifestHash, type ManifestEntry } from '../dvc/manifest.js'
import { writeHashed } from './stream-file.js'
import { terminalSafeText } from './text.js'

/**
 * What the audit trail vouches for: the approved sha256 digest of the version's artifact (its
 * manifest, src/artifacts/digest.ts), or, on entries written before the approved digest existed,
 * DVC's md5 of the model (`<md5>` for a file, `<md5>.dir` for a directory).
 */
export type ExpectedBytes = { kind: 'sha256'; digest: string } | { kind: 'md5'; md5: string }

export interface VerifiedDownload {
  /** The folder the verified files now sit in. */
  dir: string
  /** What was compared: the approved digest (`sha256:…`), or DVC's md5 (`<md5>`, `<md5>.dir`). */
  md5: string
  /** The approved sha256 digest of what was downloaded (always computed). */
  digest: string
  files: number
  bytes: number
  /** How the bytes were compared with the recorded digest, in a sentence. */
  compared: string
}

export interface DownloadOptions {
  /** A reader of the version's artifact, on whatever store holds it (src/artifacts). */
  reader: ArtifactReader
  expected: ExpectedBytes
  /** Where the verified files land; absent or an empty folder. */
  dir: string
  limits?: ListingLimits
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

/** The recorded digest must have its shape before anything is fetched. */
function checkRecorded(expected: ExpectedBytes): void {
  if (expected.kind === 'sha256') {
    if (!/^sha256:[0-9a-f]{64}$/.test(expected.digest)) {
      throw new ActionError(
        `The audit trail's artifact digest '${terminalSafeText(expected.digest)}' is not an approved digest (sha256: and 64 hex digits), so the download cannot be verified; nothing was downloaded`
      )
    }
  } else if (!/^[0-9a-f]{32}(\.dir)?$/.test(expected.md5)) {
    throw new ActionError(
      `The audit trail's model_md5 '${terminalSafeText(expected.md5)}' is not a DVC md5 (32 hex digits, optionally .dir), so the download cannot be verified; nothing was downloaded`
    )
  }
}

/**
 * DVC's md5 names a file or a directory. A file's md5 vouches for an artifact that is that one
 * file, or a folder holding only that one file (log_artifact(file, "model"), which lineage-check
 * compares the same way): every downloaded byte is still verified. A folder of more files is
 * refused, since the md5 cannot vouch for the others (MLmodel decides how a model loads).
 */
function checkMd5Shape(md5: string, listing: ArtifactListing, where: string): void {
  const isDir = md5.endsWith('.dir')
  if (isDir && listing.kind === 'file') {
    throw new ActionError(
      `The audit trail recorded a directory hash (${md5}) for this version, but its artifact '${terminalSafeText(where)}' is one file; nothing was downloaded`
    )
  }
  if (!isDir && listing.files.length !== 1) {
    throw new ActionError(
      `The audit trail recorded a file's md5 (${md5}) for this version, but its artifact '${terminalSafeText(where)}' is a directory of ${listing.files.length} file(s). ` +
        "A file's md5 cannot vouch for the other files (MLmodel decides how a model loads), so nothing was downloaded. " +
        'Promote the version again through the workflow so the trail records its approved digest, or make the DVC output the directory MLflow serves (docs/serving.md)'
    )
  }
}

async function fetchAll(
  options: DownloadOptions,
  listing: ArtifactListing,
  temp: string,
  limits: ListingLimits
): Promise<{ md5s: ManifestEntry[]; digests: DigestedFile[]; bytes: number }> {
  const { reader, signal } = options
  const md5s: ManifestEntry[] = []
  const digests: DigestedFile[] = []
  let bytes = 0
  for (const file of listing.files) {
    if (signal?.aborted || !active.has(temp)) throw interrupted()
    // Checked again here: no path from a store reaches the filesystem unchecked.
    if (!safeRelpath(file.relpath))
      throw new ActionError(`Refused the artifact path '${terminalSafeText(file.relpath)}'`)
    const local = path.join(temp, ...file.relpath.split('/'))
    mkdirSync(path.dirname(local), { recursive: true })
    const sha = createHash('sha256')
    const written = await reader.read(file, body =>
      writeHashed(tee(body, sha), local, {
        budget: limits.maxTotalBytes - bytes,
        label: file.relpath,
        ...(signal ? { signal } : {})
      })
    )
    if (file.size !== undefined && written.bytes !== file.size) {
      throw new ActionError(
        `The download of '${terminalSafeText(file.relpath)}' was short or long: the store listed ${file.size} bytes and sent ${written.bytes}; nothing was kept`
      )
    }
    if (!active.has(temp)) throw interrupted()
    bytes += written.bytes
    md5s.push({ relpath: file.relpath, md5: written.md5 })
    digests.push({ path: file.relpath, sha256: sha.digest('hex'), size: written.bytes })
    options.logger.debug(`downloaded ${file.relpath} (${written.bytes} bytes, md5 ${written.md5})`)
  }
  return { md5s, digests, bytes }
}

/** The body, also fed to a second hash as it passes (one chunk held at a time). */
async function* tee(
  body: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>
): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    hash.update(chunk)
    yield chunk
  }
}

/**
 * Downloads a version's files from its store into a temporary folder next to `dir` (same
 * filesystem, so the final rename is atomic), hashing them while they stream: the sha256 of each
 * file for the approved digest (src/artifacts/digest.ts), and DVC's md5 for entries that recorded
 * only that. It compares the result with what the audit trail recorded and only then renames the
 * folder to `dir`. On a mismatch, a failed or short transfer, an interruption or any error, the
 * temporary folder is removed and `dir` is left as it was (absent or empty).
 */
export async function downloadVerified(options: DownloadOptions): Promise<VerifiedDownload> {
  const limits = options.limits ?? DEFAULT_LISTING_LIMITS
  const dir = path.resolve(options.dir)
  const where = options.reader.location.uri
  checkRecorded(options.expected)
  checkTarget(dir)
  const listing = await options.reader.list(limits)
  if (options.expected.kind === 'md5') checkMd5Shape(options.expected.md5, listing, where)
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
    const { md5s, digests, bytes } = await fetchAll(options, listing, temp, limits)
    const digest = manifestDigest(digests)
    let got: string
    let recorded: string
    let compared: string
    if (options.expected.kind === 'sha256') {
      got = digest
      recorded = options.expected.digest
      compared = `the approved digest (sha256 of each of the ${digests.length} file(s) under '${where}', by path)`
    } else {
      recorded = options.expected.md5
      const isDir = recorded.endsWith('.dir')
      got = isDir ? manifestHash(md5s) : md5s[0]!.md5
      compared = isDir
        ? `DVC's .dir hash of all ${md5s.length} file(s) under '${where}' (relpath and md5 of each)`
        : `the md5 of the file '${md5s[0]!.relpath}' of '${where}'`
    }
    if (got !== recorded) {
      throw new ActionError(
        `The downloaded artifact is not the one the audit trail approved: ${terminalSafeText(compared)} is ${got}, the audit trail recorded ${recorded}. ` +
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
    return { dir, md5: got, digest, files: listing.files.length, bytes, compared }
  } finally {
    if (active.has(temp)) {
      await rm(temp, { recursive: true, force: true })
      active.delete(temp)
    }
  }
}
