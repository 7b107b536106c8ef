/**
 * The artifacts room's entry points (issue "Approved bytes"). The signatures are the contract
 * between the engineers of this session; the implementations land with the room.
 *
 * - locateArtifact: where a version's files are, resolved as MLflow's client resolves its
 *   `source` (runs:/ incl. a logged model of that run, models:/m-<id>, models:/<name>/<version>,
 *   mlflow-artifacts:/, and direct store URIs).
 * - openReader: a reader for that location's store (the proxy through the MLflow client; S3,
 *   GCS and Azure through their SDKs with the environment's default credential chain).
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
export { changedFiles, digestArtifact, manifestDigest, manifestText } from './digest.js'
