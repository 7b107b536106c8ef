/**
 * The shared shapes of the artifacts room (issue "Approved bytes"). Every room that reads a
 * model version's files goes through these: lineage-check's artifact link, the approved digest
 * that validate computes and promote-model recomputes, and resolve's verified download.
 *
 * The room resolves a version's files as MLflow's own client does (runs_artifact_repo.py and
 * models_artifact_repo.py of the pinned package), then reads them from whatever store holds
 * them: the tracking server's proxy (mlflow-artifacts:), S3, GCS or Azure Blob.
 */

/** Stores the room can read. `mlflow-artifacts` is the tracking server's proxy. */
export type StoreScheme = 'mlflow-artifacts' | 's3' | 'gs' | 'wasbs' | 'abfss'

/** Where a version's files are, resolved as MLflow's client resolves the version's source. */
export interface ArtifactLocation {
  /** The store URI of the artifact root, credentials removed: `s3://bucket/key`, `mlflow-artifacts:/…`. */
  uri: string
  scheme: StoreScheme
  /** How the source led here, for messages: e.g. "runs:/<run>/model → logged model m-… (MLflow 3)". */
  via: string
}

/** One file of an artifact: its path relative to the artifact root ('/'-separated), and its size when listed. */
export interface ArtifactFile {
  relpath: string
  size: number | undefined
}

/**
 * An artifact as listed: one file, or a folder of files (empty folders vanish). A single-file
 * artifact lists as that one file, with `relpath` its base name.
 */
export interface ArtifactListing {
  kind: 'file' | 'dir'
  location: ArtifactLocation
  files: ArtifactFile[]
}

/** Bounds on what a store's listing may make the suite fetch; the defaults fit any real model. */
export interface ListingLimits {
  maxFiles: number
  maxDirectories: number
  maxDepth: number
  /** All files together, bytes. */
  maxTotalBytes: number
}

/**
 * One store's reader, rooted at a location. Listings are untrusted: a reader refuses names with
 * `..`, absolute paths, separators inside a segment, or control characters, and caps counts,
 * directories, depth and sizes (ListingLimits).
 */
export interface ArtifactReader {
  readonly location: ArtifactLocation
  list(limits?: ListingLimits): Promise<ArtifactListing>
  /** Streams one listed file; memory stays bounded whatever its size. */
  read<T>(file: ArtifactFile, consume: (body: AsyncIterable<Uint8Array>) => Promise<T>): Promise<T>
}

/** One file of the approved manifest: OpenSSF model-signing's per-file digest (sha256 of the bytes). */
export interface DigestedFile {
  path: string
  sha256: string
  size: number
}

/**
 * The approved digest of a version's artifact. `digest` is `sha256:<64 hex>` over the manifest
 * (see digest.ts for the exact bytes); it is what reviewers see, what the audit entry and the
 * registry tag record, and what promote-model and resolve compare.
 */
export interface ArtifactDigest {
  digest: string
  files: DigestedFile[]
  location: ArtifactLocation
}

/** The registry tag that carries the approved digest on the version. */
export const ARTIFACT_DIGEST_TAG = 'model_governance.artifact_digest'
