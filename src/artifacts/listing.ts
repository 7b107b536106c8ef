import { ActionError } from '../core/errors.js'
import type { ArtifactFile, ArtifactListing, ArtifactLocation, ListingLimits } from './types.js'
import { redactUri } from './uri.js'
import { isPlainRelpath, isPlainSegment, safeExcerpt } from '../core/text-safety.js'

/**
 * The guards every reader applies to a store's listing. A listing is untrusted: whoever can
 * write to the bucket, or answer in the tracking server's place, chooses the names and the
 * counts. So names are plain relative paths (no `..`, no absolute path, no backslash or control
 * character), and files, directories, depth and bytes are capped before any byte is fetched.
 */

/** The defaults fit any real model; MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB raises the byte cap. */
export const DEFAULT_LISTING_LIMITS: ListingLimits = {
  maxFiles: 20_000,
  maxDirectories: 5_000,
  maxDepth: 32,
  maxTotalBytes: 10 * 1024 * 1024 * 1024
}

/**
 * An artifact location that holds no file: absent, or an empty folder. Its own class, so a
 * caller for which "nothing logged" is an answer (lineage's level 2 over a run's own files) can
 * tell it from a store that failed.
 */
export class EmptyArtifactError extends ActionError {}

/** The limits with the byte cap from MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB, when it is set. */
export function listingLimitsFromEnv(env: NodeJS.ProcessEnv): ListingLimits {
  const mib = Number(env.MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB)
  return Number.isFinite(mib) && mib > 0
    ? { ...DEFAULT_LISTING_LIMITS, maxTotalBytes: Math.floor(mib * 1024 * 1024) }
    : DEFAULT_LISTING_LIMITS
}

/** Store text inside a message: no control characters (C0, DEL, C1), bounded length. */
export function printable(text: string, max = 300): string {
  return safeExcerpt(text, max)
}

/** One path segment as a store names it: refused unless it is a plain name. */
export const safeSegment = isPlainSegment

/** A relative path from a store: refused when absolute, climbing (`..`), empty or odd. */
export const safeRelpath = isPlainRelpath

/** The store's listing is refused: the message names the location (no credentials) and what was wrong. */
export function refusedListing(location: ArtifactLocation | string, what: string): ActionError {
  const uri = typeof location === 'string' ? location : location.uri
  return new ActionError(
    `The artifact store's listing of '${printable(redactUri(uri))}' is refused: ${printable(what)}; nothing was read. ` +
      'Check who can write that store, and any proxy in front of it'
  )
}

/**
 * Collects one artifact's listing under the caps, checking each entry as it comes, so a hostile
 * listing is refused after at most `maxFiles + 1` files or `maxDirectories + 1` directories.
 * Readers that walk a store level by level (the proxy) call `enterDirectory` before listing each
 * directory, so a store that answers with directory after directory and never a file is stopped
 * too; readers that list keys flat (S3, GCS, Azure) call `add` per key, and directories are
 * counted from the paths.
 */
export class ListingGuard {
  private readonly files: ArtifactFile[] = []
  private readonly seen = new Set<string>()
  private readonly directories = new Set<string>()
  private total = 0

  constructor(
    readonly location: ArtifactLocation,
    readonly limits: ListingLimits = DEFAULT_LISTING_LIMITS
  ) {}

  private refuse(what: string): never {
    throw refusedListing(this.location, what)
  }

  /** A directory about to be listed ('' is the artifact's root). */
  enterDirectory(relpath: string): void {
    if (relpath === '') return
    if (!safeRelpath(relpath))
      this.refuse(`it names the folder '${relpath}', which is not a plain relative path`)
    this.countDirectory(relpath)
  }

  private countDirectory(dir: string): void {
    if (this.directories.has(dir)) return
    // A key that is also another key's folder ('a' and 'a/b') cannot be laid out as files.
    if (this.seen.has(dir)) this.refuse(`'${dir}' is both a file and a folder`)
    if (dir.split('/').length > this.limits.maxDepth)
      this.refuse(`'${dir}' is deeper than ${this.limits.maxDepth} levels`)
    this.directories.add(dir)
    if (this.directories.size > this.limits.maxDirectories)
      this.refuse(`it holds more than ${this.limits.maxDirectories} folders`)
  }

  /** One listed file: its path relative to the artifact's root, and its size as listed. */
  add(relpath: string, size: number | undefined): void {
    if (!safeRelpath(relpath))
      this.refuse(`it names '${relpath}', which is not a plain relative path`)
    if (this.seen.has(relpath)) this.refuse(`it names '${relpath}' twice`)
    const segments = relpath.split('/')
    if (segments.length > this.limits.maxDepth)
      this.refuse(`'${relpath}' is deeper than ${this.limits.maxDepth} levels`)
    for (let i = 1; i < segments.length; i++) this.countDirectory(segments.slice(0, i).join('/'))
    if (this.directories.has(relpath)) this.refuse(`'${relpath}' is both a file and a folder`)
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0))
      this.refuse(`'${relpath}' has the size ${String(size)}`)
    this.total += size ?? 0
    if (this.total > this.limits.maxTotalBytes) {
      throw new ActionError(
        `The artifact at '${printable(redactUri(this.location.uri))}' is larger than ${Math.round(this.limits.maxTotalBytes / 1024 / 1024)} MiB; ` +
          'raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB if the model really is that large. Nothing was read'
      )
    }
    this.seen.add(relpath)
    this.files.push({ relpath, size })
    if (this.files.length > this.limits.maxFiles)
      this.refuse(`it holds more than ${this.limits.maxFiles} files`)
  }

  has(relpath: string): boolean {
    return this.seen.has(relpath)
  }

  /** A folder's listing, its files in byte order of their paths (the digest's order). */
  folder(): ArtifactListing {
    return { kind: 'dir', location: this.location, files: sortedFiles(this.files) }
  }

  get count(): number {
    return this.files.length
  }
}

/** Files in UTF-8 byte order of their paths. */
export function sortedFiles(files: readonly ArtifactFile[]): ArtifactFile[] {
  return [...files].sort((a, b) => Buffer.compare(Buffer.from(a.relpath), Buffer.from(b.relpath)))
}

/**
 * A listed file's body, held to its listing: the bytes may not exceed the listed size (nor the
 * whole artifact's cap when no size was listed), and a body that ends short of the listed size is
 * refused at its end. Every reader's `read` passes its body through this, so no consumer sees a
 * file that is longer or shorter than what was listed and capped.
 */
export async function* heldToListing(
  body: AsyncIterable<Uint8Array>,
  file: ArtifactFile,
  location: ArtifactLocation,
  maxBytes: number
): AsyncGenerator<Uint8Array> {
  const cap = file.size ?? maxBytes
  let bytes = 0
  for await (const chunk of body) {
    bytes += chunk.length
    if (bytes > cap) {
      throw new ActionError(
        file.size === undefined
          ? `'${printable(file.relpath)}' under '${printable(redactUri(location.uri))}' is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB if the model really is that large`
          : `'${printable(file.relpath)}' under '${printable(redactUri(location.uri))}' was listed with ${file.size} bytes and the store sent more; the file changed while it was read, or the store is not consistent`
      )
    }
    yield chunk
  }
  if (file.size !== undefined && bytes !== file.size) {
    throw new ActionError(
      `'${printable(file.relpath)}' under '${printable(redactUri(location.uri))}' was listed with ${file.size} bytes and the store sent ${bytes}; the transfer was cut short or the file changed while it was read`
    )
  }
}
