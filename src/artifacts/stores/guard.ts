import type { ArtifactListing, ArtifactLocation, ListingLimits } from '../types.js'
import { DEFAULT_LISTING_LIMITS, ListingGuard, refusedListing } from '../listing.js'

/**
 * What object stores (S3, GCS, Azure Blob) add to the room's one listing guard
 * (src/artifacts/listing.ts): a bucket's listing is untrusted, whoever can write the bucket names
 * the keys, and a key is any string (`a/../../x`, `/etc/x`, a newline that forges a log line).
 * Every key is checked by that guard, segment by segment, with counts, directories, depth and
 * sizes capped before any byte is read.
 */
export { DEFAULT_LISTING_LIMITS, ListingGuard, printable } from '../listing.js'

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
