import { ActionError } from '../../core/errors.js'
import type { ArtifactFile, ArtifactListing, ArtifactLocation, ListingLimits } from '../types.js'

/**
 * The listing guard for object stores (S3, GCS, Azure Blob). A bucket's listing is untrusted:
 * whoever can write the bucket names the keys, and a key is any string (`a/../../x`, `/etc/x`,
 * a newline that forges a log line). So every key under the artifact's prefix is checked
 * segment by segment, as src/serving/artifact-tree.ts checks the proxy's listing, and the
 * counts, directories, depth and sizes are capped before any byte is read.
 *
 * Written here because the artifacts room may not import serving; the room's shared guard
 * (src/artifacts/listing.ts) can replace it without changing the readers' callers.
 */

/** Defaults that fit any real model (a 20,000-file folder of up to 10 GiB). */
export const DEFAULT_LISTING_LIMITS: ListingLimits = {
  maxFiles: 20_000,
  maxDirectories: 5_000,
  maxDepth: 32,
  maxTotalBytes: 10 * 1024 * 1024 * 1024
}

/** Store text inside a message: no control characters, bounded length. */
export function printable(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/** One path segment as a store names it: refused unless it is a plain name. */
export function safeSegment(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    name.length <= 255 &&
    !name.includes('/') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f\\]/.test(name)
  )
}

/** A relative path from a store: refused when absolute, climbing (`..`), empty or odd. */
export function safeRelpath(relpath: string): boolean {
  return relpath.length <= 4096 && relpath.split('/').every(safeSegment)
}

export function refusedListing(location: ArtifactLocation, what: string): ActionError {
  return new ActionError(
    `The store's listing of '${printable(location.uri)}' is refused: ${printable(what)}; nothing was read. ` +
      'Check who can write that bucket or container'
  )
}

/**
 * Collects one artifact's files from a flat key listing, checking each as it comes, so a
 * hostile listing is refused after at most `maxFiles + 1` keys (the readers stop paging then).
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

  /** A key relative to the artifact's prefix, and its size as listed. */
  add(relpath: string, size: number | undefined): void {
    const refuse = (what: string): never => {
      throw refusedListing(this.location, what)
    }
    if (!safeRelpath(relpath)) refuse(`it names '${relpath}', which is not a plain relative path`)
    if (this.seen.has(relpath)) refuse(`it names '${relpath}' twice`)
    const segments = relpath.split('/')
    if (segments.length > this.limits.maxDepth)
      refuse(`'${relpath}' is deeper than ${this.limits.maxDepth} levels`)
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/')
      // A key that is also another key's folder ('a' and 'a/b') cannot be laid out as files.
      if (this.seen.has(dir)) refuse(`'${dir}' is both a file and a folder`)
      this.directories.add(dir)
    }
    if (this.directories.has(relpath)) refuse(`'${relpath}' is both a file and a folder`)
    if (this.directories.size > this.limits.maxDirectories)
      refuse(`it holds more than ${this.limits.maxDirectories} folders`)
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0))
      refuse(`'${relpath}' has the size ${String(size)}`)
    this.total += size ?? 0
    if (this.total > this.limits.maxTotalBytes) {
      throw new ActionError(
        `The artifact at '${printable(this.location.uri)}' is larger than ${Math.round(this.limits.maxTotalBytes / 1024 / 1024)} MiB; ` +
          'raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB if the model really is that large. Nothing was read'
      )
    }
    this.seen.add(relpath)
    this.files.push({ relpath, size })
    if (this.files.length > this.limits.maxFiles)
      refuse(`it holds more than ${this.limits.maxFiles} files`)
  }

  /** A folder's listing, its files in byte order of their paths (the digest's order). */
  folder(): ArtifactListing {
    const files = [...this.files].sort((a, b) =>
      Buffer.compare(Buffer.from(a.relpath), Buffer.from(b.relpath))
    )
    return { kind: 'dir', location: this.location, files }
  }

  get count(): number {
    return this.files.length
  }
}

/** A single-file artifact: the object at the location itself, named by its last segment. */
export function singleFile(
  location: ArtifactLocation,
  key: string,
  size: number | undefined,
  limits: ListingLimits = DEFAULT_LISTING_LIMITS
): ArtifactListing {
  const name = key.split('/').pop() ?? ''
  const guard = new ListingGuard(location, limits)
  guard.add(name, size)
  return { kind: 'file', location, files: guard.folder().files }
}

/**
 * A store object's key relative to the artifact's prefix. Keys outside the prefix (a store that
 * ignored the prefix) are refused rather than skipped.
 */
export function relativeKey(location: ArtifactLocation, prefix: string, key: string): string {
  if (!key.startsWith(prefix))
    throw refusedListing(location, `it names '${key}', which is outside '${prefix}'`)
  return key.slice(prefix.length)
}
