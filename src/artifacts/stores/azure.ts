import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob'
import { ActionError } from '../../core/errors.js'
import type { ArtifactFile, ArtifactListing, ArtifactLocation, ArtifactReader } from '../types.js'
import {
  DEFAULT_LISTING_LIMITS,
  ListingGuard,
  printable,
  relativeKey,
  singleFile,
  type StoreReaderOptions
} from './guard.js'
import { DEFAULT_RANGED, RANGED_THRESHOLD, partsInOrder } from './ranged.js'
import { sdkExports } from './sdk-module.js'
import { storeSdks } from './sdks.js'

/**
 * wasbs:// (Blob) and abfss:// (ADLS Gen2) artifacts, read through the Blob API, with the
 * credentials MLflow's client looks for (azure_blob_artifact_repo.py and
 * azure_data_lake_artifact_repo.py), in its order: AZURE_STORAGE_CONNECTION_STRING, then
 * AZURE_STORAGE_ACCESS_KEY, then AZURE_STORAGE_SAS_TOKEN, else DefaultAzureCredential, which
 * finds what azure/login set up (the Azure CLI's login, OIDC included) or a workload identity.
 * No account key is needed.
 */

export interface AzureTarget {
  container: string
  account: string
  /** The Blob endpoint's domain: `blob.core.windows.net` (an abfss:// `dfs.` host maps to it). */
  blobSuffix: string
  /** The artifact's blob name, no leading or trailing '/'. */
  key: string
}

export function parseAzureUri(uri: string): AzureTarget {
  const match = /^(wasbs|abfss):\/\/([^@/]+)@([^./]+)\.([^/]+)\/?(.*)$/.exec(uri)
  const suffix = match?.[4] ?? ''
  const blob =
    match?.[1] === 'wasbs'
      ? /^blob\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/.test(suffix)
      : /^dfs\.core\.[a-z.]+$/.test(suffix)
  if (!match || !blob) {
    throw new ActionError(
      `'${printable(uri)}' is not an Azure Blob location (wasbs://<container>@<account>.blob.core.windows.net/<path> or abfss://<filesystem>@<account>.dfs.core.windows.net/<path>)`
    )
  }
  let key = match[5]!.replace(/\/+$/, '')
  // MLflow's ADLS client decodes the path (so an encoded space is quoted once on the wire).
  if (match[1] === 'abfss') key = decodeURIComponent(key).replace(/^\/+/, '')
  return {
    container: match[2]!,
    account: match[3]!,
    blobSuffix: suffix.replace(/^dfs\./, 'blob.'),
    key
  }
}

async function azureContainer(
  target: AzureTarget,
  env: NodeJS.ProcessEnv
): Promise<ContainerClient> {
  // Loaded here, not at the top: an action that never reads Azure never loads the SDK.
  const blob = sdkExports(
    await storeSdks.azureBlob(),
    ['BlobServiceClient', 'StorageSharedKeyCredential'],
    '@azure/storage-blob'
  )
  const accountUrl = `https://${target.account}.${target.blobSuffix}`
  let service: BlobServiceClient
  const connection = env.AZURE_STORAGE_CONNECTION_STRING?.trim()
  const accessKey = env.AZURE_STORAGE_ACCESS_KEY?.trim()
  const sas = env.AZURE_STORAGE_SAS_TOKEN?.trim().replace(/^\?/, '')
  if (connection) {
    service = blob.BlobServiceClient.fromConnectionString(connection)
  } else if (accessKey) {
    service = new blob.BlobServiceClient(
      accountUrl,
      new blob.StorageSharedKeyCredential(target.account, accessKey)
    )
  } else if (sas) {
    service = new blob.BlobServiceClient(`${accountUrl}?${sas}`)
  } else {
    const { DefaultAzureCredential } = sdkExports(
      await storeSdks.azureIdentity(),
      ['DefaultAzureCredential'],
      '@azure/identity'
    )
    service = new blob.BlobServiceClient(accountUrl, new DefaultAzureCredential())
  }
  return service.getContainerClient(target.container)
}

interface AzureError {
  statusCode?: number
  code?: string
  name?: string
  message?: string
}

function storeError(location: ArtifactLocation, doing: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const e = (error ?? {}) as AzureError
  const status = e.statusCode
  const hint =
    status === 401 ||
    status === 403 ||
    /credential|authoriz|authenticat/i.test(`${e.name} ${e.message}`)
      ? 'the job needs Azure credentials that can read it: azure/login (OIDC) with a Storage Blob Data Reader role, or AZURE_STORAGE_CONNECTION_STRING'
      : 'check the container, the account and the path'
  const what = `${e.code ?? e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`
  return new ActionError(
    `Could not ${doing} '${printable(location.uri)}' on Azure Blob: ${printable(what)}; ${hint}`,
    { cause: error }
  )
}

export type AzureReaderOptions = StoreReaderOptions

export async function openAzureReader(
  location: ArtifactLocation,
  env: NodeJS.ProcessEnv,
  options: AzureReaderOptions = {}
): Promise<ArtifactReader> {
  const target = parseAzureUri(location.uri)
  const { key } = target
  const container = await azureContainer(target, env)
  const ranged = options.ranged ?? DEFAULT_RANGED
  const threshold = options.rangedThreshold ?? RANGED_THRESHOLD
  // Each blob's ETag as listed: every read is conditional on it, so a blob replaced after the
  // listing fails the read instead of being digested as the listed one.
  const etags = new Map<string, string>()
  let listing: ArtifactListing | undefined

  const list = async (limits = DEFAULT_LISTING_LIMITS): Promise<ArtifactListing> => {
    const prefix = key === '' ? '' : `${key}/`
    const guard = new ListingGuard(location, limits)
    etags.clear()
    try {
      const pages = container
        .listBlobsFlat({ prefix, includeMetadata: true })
        .byPage({ maxPageSize: 1000 })
      for await (const page of pages) {
        for (const item of page.segment.blobItems) {
          // On an ADLS Gen2 (hierarchical) account the Blob API lists folders as empty blobs.
          if (item.metadata?.hdi_isfolder === 'true') continue
          const rel = relativeKey(location, prefix, item.name)
          guard.add(rel, item.properties.contentLength)
          if (item.properties.etag) etags.set(rel, item.properties.etag)
        }
      }
    } catch (error) {
      throw storeError(location, 'list', error)
    }
    if (guard.count > 0 || key === '') {
      listing = guard.folder()
      return listing
    }
    let properties
    try {
      properties = await container.getBlobClient(key).getProperties()
    } catch (error) {
      if ((error as AzureError)?.statusCode !== 404) throw storeError(location, 'read', error)
      throw new ActionError(
        `The artifact '${printable(location.uri)}' does not exist on Azure Blob (no blob and no folder of that name; it may have been deleted)`
      )
    }
    listing = singleFile(location, key, properties.contentLength, limits)
    if (properties.etag) etags.set(listing.files[0]!.relpath, properties.etag)
    return listing
  }

  const read = async <T>(
    file: ArtifactFile,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> => {
    const name =
      listing?.kind === 'file' ? key : key === '' ? file.relpath : `${key}/${file.relpath}`
    const client = container.getBlobClient(name)
    const etag = etags.get(file.relpath)
    const abort = new AbortController()
    const stream = async (offset = 0, count?: number): Promise<AsyncIterable<Uint8Array>> => {
      const response = await client.download(offset, count, {
        abortSignal: abort.signal,
        ...(etag ? { conditions: { ifMatch: etag } } : {})
      })
      if (!response.readableStreamBody) throw new Error('the download returned no body')
      return response.readableStreamBody as unknown as AsyncIterable<Uint8Array>
    }
    try {
      const size = file.size ?? 0
      if (size < threshold || !etag) return await consume(await stream())
      const firstLength = Math.min(ranged.partSize, size)
      return await consume(
        partsInOrder(
          await stream(0, firstLength),
          firstLength,
          size,
          (start, end) => stream(start, end - start + 1),
          ranged
        )
      )
    } catch (error) {
      throw storeError(location, `read '${printable(file.relpath)}' of`, error)
    } finally {
      abort.abort()
    }
  }

  return { location, list, read }
}
