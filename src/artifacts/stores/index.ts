import type { ArtifactLocation, ArtifactReader, StoreScheme } from '../types.js'

/**
 * The direct readers of the cloud stores, by URI scheme (S3, GCS, Azure Blob and ADLS). Each
 * opens with the environment it is given: the variables MLflow's client reads for that store,
 * and each cloud's default credential chain. The readers land with the stores' own change.
 */
export type StoreReaderFactory = (
  location: ArtifactLocation,
  env: NodeJS.ProcessEnv
) => Promise<ArtifactReader>

export const STORE_READERS: Partial<
  Record<Exclude<StoreScheme, 'mlflow-artifacts'>, StoreReaderFactory>
> = {}
