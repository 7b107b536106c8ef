import type { ArtifactReader } from '../artifacts/types.js'
import { locateUri, type LocateClient } from '../artifacts/locate.js'
import { openReader } from '../artifacts/open-reader.js'
import type { ProxyClient } from '../artifacts/proxy-reader.js'
import { redactUri, storeSchemeOf } from '../artifacts/uri.js'

/**
 * How lineage-check reads a version's or a run's files: a reader per store URI, injected so the
 * artifacts room's readers (proxy, S3, GCS, Azure Blob) plug in. `undefined` means no reader for
 * that store: the levels that need the bytes are then not reached, and the verdict says why.
 */
export type ArtifactReaderFactory = (uri: string) => Promise<ArtifactReader | undefined>

/** A store URI for a message: the artifacts room's one redaction (user info, SAS query, controls). */
export const displayUri = redactUri

/**
 * The artifacts room's readers for any store URI lineage-check meets (the proxy, S3, GCS, Azure
 * Blob), located as MLflow's client locates them; undefined for a store with no reader, so the
 * levels that need the bytes say why they were not reached.
 */
export function roomReaderFactory(
  client: LocateClient & ProxyClient,
  env: NodeJS.ProcessEnv
): ArtifactReaderFactory {
  return async uri => {
    if (!storeSchemeOf(uri)) return undefined
    return openReader(await locateUri(client, uri), { mlflow: client, env })
  }
}
