import type { Storage } from '@google-cloud/storage'
import { ActionError } from '../../core/errors.js'
import type { ArtifactFile, ArtifactListing, ArtifactLocation, ArtifactReader } from '../types.js'
import {
  DEFAULT_LISTING_LIMITS,
  ListingGuard,
  printable,
  relativeKey,
  singleFile,
  parseBucketUri,
  type BucketTarget,
  type StoreReaderOptions
} from './guard.js'
import { DEFAULT_RANGED, RANGED_THRESHOLD, partsInOrder } from './ranged.js'
import { sdkExports } from './sdk-module.js'
import { storeSdks } from './sdks.js'

/**
 * gs:// artifacts, read as MLflow's client reads them (gcs_artifact_repo.py, which uses
 * google.cloud.storage.Client()): Application Default Credentials, i.e. the file that
 * GOOGLE_APPLICATION_CREDENTIALS names. google-github-actions/auth writes one, a workload
 * identity federation (OIDC) config included, so no service account key is needed. A key's JSON
 * in GOOGLE_APPLICATION_CREDENTIALS_JSON (the workflow's optional secret) is used as is.
 * STORAGE_EMULATOR_HOST points at an emulator, without credentials, as the Python client does.
 */

export type GcsTarget = BucketTarget

export function parseGcsUri(uri: string): GcsTarget {
  return parseBucketUri(uri, 'gs', 'a GCS location')
}

async function gcsClient(env: NodeJS.ProcessEnv): Promise<Storage> {
  // Loaded here, not at the top: an action that never reads GCS never loads the SDK.
  const { Storage } = sdkExports(
    await storeSdks.googleStorage(),
    ['Storage'],
    '@google-cloud/storage'
  )
  const emulator = env.STORAGE_EMULATOR_HOST?.trim()
  if (emulator) {
    return new Storage({
      apiEndpoint: /^https?:\/\//.test(emulator) ? emulator : `http://${emulator}`,
      projectId: env.GOOGLE_CLOUD_PROJECT?.trim() || 'emulator',
      useAuthWithCustomEndpoint: false
    })
  }
  const json = env.GOOGLE_APPLICATION_CREDENTIALS_JSON?.trim()
  let credentials: Record<string, unknown> | undefined
  if (json) {
    try {
      credentials = JSON.parse(json) as Record<string, unknown>
    } catch {
      throw new ActionError(
        'GOOGLE_APPLICATION_CREDENTIALS_JSON is not JSON; set it to the whole credentials file (a service account key or a workload identity federation config), or leave it unset and use google-github-actions/auth'
      )
    }
  }
  const keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS?.trim()
  return new Storage({
    ...(credentials ? { credentials } : keyFilename ? { keyFilename } : {}),
    ...(env.GOOGLE_CLOUD_PROJECT?.trim() ? { projectId: env.GOOGLE_CLOUD_PROJECT.trim() } : {})
  })
}

interface GcsError {
  code?: number | string
  message?: string
}

function storeError(location: ArtifactLocation, doing: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const e = (error ?? {}) as GcsError
  const status = typeof e.code === 'number' ? e.code : undefined
  const hint =
    status === 401 || status === 403 || /credential|auth/i.test(e.message ?? '')
      ? 'the job needs Google credentials that can read it: google-github-actions/auth (workload identity federation) or GOOGLE_APPLICATION_CREDENTIALS'
      : 'check the bucket and the path'
  return new ActionError(
    `Could not ${doing} '${printable(location.uri)}' on GCS: ${printable(`${status ? `HTTP ${status}: ` : ''}${e.message ?? String(error)}`)}; ${hint}`,
    { cause: error }
  )
}

export type GcsReaderOptions = StoreReaderOptions

export async function openGcsReader(
  location: ArtifactLocation,
  env: NodeJS.ProcessEnv,
  options: GcsReaderOptions = {}
): Promise<ArtifactReader> {
  const { bucket: bucketName, key } = parseGcsUri(location.uri)
  const bucket = (await gcsClient(env)).bucket(bucketName)
  const ranged = options.ranged ?? DEFAULT_RANGED
  const threshold = options.rangedThreshold ?? RANGED_THRESHOLD
  // Each file's generation as listed: every read is pinned to it, so an object replaced after
  // the listing fails the read instead of being digested as the listed one.
  const generations = new Map<string, string>()
  let listing: ArtifactListing | undefined

  const list = async (limits = DEFAULT_LISTING_LIMITS): Promise<ArtifactListing> => {
    const prefix = key === '' ? '' : `${key}/`
    const guard = new ListingGuard(location, limits)
    generations.clear()
    let pageToken: string | undefined
    do {
      let files, next
      try {
        ;[files, next] = await bucket.getFiles({
          prefix,
          autoPaginate: false,
          maxResults: 1000,
          ...(pageToken ? { pageToken } : {})
        })
      } catch (error) {
        throw storeError(location, 'list', error)
      }
      for (const file of files) {
        const rel = relativeKey(location, prefix, file.name)
        const size = file.metadata.size === undefined ? undefined : Number(file.metadata.size)
        if (rel.endsWith('/') && !size) continue // a folder placeholder, not a file
        guard.add(rel, size)
        if (file.metadata.generation !== undefined)
          generations.set(rel, String(file.metadata.generation))
      }
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken
    } while (pageToken)
    if (guard.count > 0 || key === '') {
      listing = guard.folder()
      return listing
    }
    let metadata
    try {
      ;[metadata] = await bucket.file(key).getMetadata()
    } catch (error) {
      if ((error as GcsError)?.code !== 404) throw storeError(location, 'read', error)
      throw new ActionError(
        `The artifact '${printable(location.uri)}' does not exist on GCS (no object and no folder of that name; it may have been deleted)`
      )
    }
    listing = singleFile(
      location,
      key,
      metadata.size === undefined ? undefined : Number(metadata.size),
      limits
    )
    if (metadata.generation !== undefined)
      generations.set(listing.files[0]!.relpath, String(metadata.generation))
    return listing
  }

  const read = async <T>(
    file: ArtifactFile,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> => {
    const name =
      listing?.kind === 'file' ? key : key === '' ? file.relpath : `${key}/${file.relpath}`
    const generation = generations.get(file.relpath)
    const object = bucket.file(name, generation ? { generation } : {})
    // Raw stored bytes (no gunzip), checked by our own sha256 rather than the SDK's md5/crc32c.
    const stream = (start?: number, end?: number): AsyncIterable<Uint8Array> =>
      object.createReadStream({
        validation: false,
        decompress: false,
        ...(start !== undefined ? { start, end } : {})
      })
    try {
      const size = file.size ?? 0
      if (size < threshold || !generation) return await consume(stream())
      const firstLength = Math.min(ranged.partSize, size)
      return await consume(
        partsInOrder(
          stream(0, firstLength - 1),
          firstLength,
          size,
          (start, end) => Promise.resolve(stream(start, end)),
          ranged
        )
      )
    } catch (error) {
      throw storeError(location, `read '${printable(file.relpath)}' of`, error)
    }
  }

  return { location, list, read }
}
