import { ActionError } from '../core/errors.js'
import { printable } from './listing.js'
import { openProxyReader, type ProxyClient } from './proxy-reader.js'
import { STORE_READERS, type StoreReaderFactory } from './stores/index.js'
import type { ArtifactLocation, ArtifactReader, StoreScheme } from './types.js'

/** What each store needs on the runner, for the message when its reader is missing or fails to open. */
const STORE_SETUP: Record<Exclude<StoreScheme, 'mlflow-artifacts'>, string> = {
  s3: 'S3 (@aws-sdk/client-s3): AWS credentials (aws-actions/configure-aws-credentials, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), AWS_REGION, and MLFLOW_S3_ENDPOINT_URL for an S3-compatible store',
  gs: 'Google Cloud Storage (@google-cloud/storage): google-github-actions/auth, or GOOGLE_APPLICATION_CREDENTIALS',
  wasbs:
    'Azure Blob Storage (@azure/storage-blob): azure/login, or AZURE_STORAGE_CONNECTION_STRING',
  abfss:
    'Azure Data Lake Storage (@azure/storage-blob): azure/login, or AZURE_STORAGE_CONNECTION_STRING'
}

/**
 * A reader for the store that holds a location: the tracking server's proxy through the MLflow
 * client, any other store through its reader in STORE_READERS (its SDK and the environment's
 * default credential chain). A store without a reader is refused naming it and what it needs.
 */
export async function openReader(
  location: ArtifactLocation,
  options: { mlflow: ProxyClient; env: NodeJS.ProcessEnv }
): Promise<ArtifactReader> {
  if (location.scheme === 'mlflow-artifacts') return openProxyReader(options.mlflow, location)
  const open = (STORE_READERS as Partial<Record<StoreScheme, StoreReaderFactory>>)[location.scheme]
  if (!open) {
    throw new ActionError(
      `${location.via}: the files are in a ${location.scheme}:// store ('${printable(location.uri)}'), and this build of the suite has no reader for it. ` +
        `It needs ${STORE_SETUP[location.scheme]}. Or serve the artifacts through the tracking server (mlflow server --serve-artifacts)`
    )
  }
  return open(location, options.env)
}
