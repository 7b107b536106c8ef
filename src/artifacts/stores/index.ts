import type { ArtifactLocation, ArtifactReader, StoreScheme } from '../types.js'
import { openAzureReader } from './azure.js'
import { openGcsReader } from './gcs.js'
import { openS3Reader } from './s3.js'

/**
 * The direct readers of the cloud stores, by URI scheme. Each opens with the environment it is
 * given (the action's or the CLI's process.env): the variables MLflow's client reads for that
 * store, and each cloud's default credential chain. Each loads its SDK only when opened.
 */
export type StoreReaderFactory = (
  location: ArtifactLocation,
  env: NodeJS.ProcessEnv
) => Promise<ArtifactReader>

export const STORE_READERS: Record<Exclude<StoreScheme, 'mlflow-artifacts'>, StoreReaderFactory> = {
  s3: (location, env) => openS3Reader(location, env),
  gs: (location, env) => openGcsReader(location, env),
  wasbs: (location, env) => openAzureReader(location, env),
  abfss: (location, env) => openAzureReader(location, env)
}

export { openAzureReader, openGcsReader, openS3Reader }
