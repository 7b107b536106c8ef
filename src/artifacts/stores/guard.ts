import { ActionError } from '../../core/errors.js'
import type { ArtifactListing, ArtifactLocation, ListingLimits } from '../types.js'
import { DEFAULT_LISTING_LIMITS, ListingGuard, printable, refusedListing } from '../listing.js'
import type { RangedOptions } from './ranged.js'

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

/** What every store reader takes: how to read large objects in ranges (stores/ranged.ts). */
export interface StoreReaderOptions {
  ranged?: RangedOptions
  /** Objects at least this large are read in parallel ranges. */
  rangedThreshold?: number
}

/** A bucket store's location (s3://, gs://): the bucket and the key under it. */
export interface BucketTarget {
  bucket: string
  /** The artifact's key, no leading or trailing '/'; '' for the whole bucket. */
  key: string
}

/**
 * `<scheme>://<bucket>/<key>` as a bucket and a key. A bucket name with '@' (user info, such as
 * `s3://user:pass@bucket`) is refused: credentials never come from a URI.
 */
export function parseBucketUri(uri: string, scheme: 's3' | 'gs', what: string): BucketTarget {
  const match = new RegExp(`^${scheme}://([^/]+)/?(.*)$`).exec(uri)
  if (!match || match[1]!.includes('@')) {
    throw new ActionError(`'${printable(uri)}' is not ${what} (${scheme}://<bucket>/<path>)`)
  }
  return { bucket: match[1]!, key: match[2]!.replace(/\/+$/, '') }
}
