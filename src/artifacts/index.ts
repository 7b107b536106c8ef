/**
 * The artifacts room's entry points (issue "Approved bytes").
 *
 * - locateArtifact / locateUri (locate.ts): where a version's files are, resolved as MLflow's
 *   client resolves its `source` (runs:/ incl. a logged model of that run, models:/m-<id>,
 *   models:/<name>/<version|@alias>, mlflow-artifacts:/, and direct store URIs).
 * - openReader (open-reader.ts): a reader for that location's store (the proxy through the
 *   MLflow client; S3, GCS and Azure through STORE_READERS, their SDKs and the environment's
 *   default credential chain).
 * - listing.ts: the guards every reader applies to an untrusted listing.
 * - digestArtifact (digest.ts): the approved sha256 digest of what a reader lists.
 */
export type {
  ArtifactDigest,
  ArtifactFile,
  ArtifactListing,
  ArtifactLocation,
  ArtifactReader,
  DigestedFile,
  ListingLimits,
  StoreScheme
} from './types.js'
export { ARTIFACT_DIGEST_TAG } from './types.js'
export {
  changedFiles,
  digestArtifact,
  manifestDigest,
  manifestText,
  modelSigningSubjectDigest
} from './digest.js'
export { locateArtifact, locateUri, type LocateClient } from './locate.js'
export { openReader } from './open-reader.js'
export { openProxyReader, proxyPath, type ProxyClient } from './proxy-reader.js'
export {
  DEFAULT_LISTING_LIMITS,
  heldToListing,
  ListingGuard,
  listingLimitsFromEnv,
  printable,
  refusedListing,
  safeRelpath,
  safeSegment,
  sortedFiles
} from './listing.js'
export { redactUri, storeSchemeOf } from './uri.js'
export { STORE_READERS, type StoreReaderFactory } from './stores/index.js'
