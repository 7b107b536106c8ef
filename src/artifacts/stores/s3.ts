import type { S3Client } from '@aws-sdk/client-s3'
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
import { DEFAULT_RANGED, RANGED_THRESHOLD, partsInOrder, totalFromContentRange } from './ranged.js'
import { sdkExports } from './sdk-module.js'
import { storeSdks } from './sdks.js'

const S3_SDK = '@aws-sdk/client-s3'

/**
 * s3:// artifacts, read as MLflow's client reads them (mlflow/store/artifact/s3_artifact_repo.py):
 * the endpoint from MLFLOW_S3_ENDPOINT_URL (else the AWS SDK's AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL), TLS verification off with MLFLOW_S3_IGNORE_TLS, path-style addressing on a
 * custom endpoint (botocore's "auto") unless MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE says otherwise,
 * and the AWS SDK's default credential chain: keys in the environment when present, else the
 * web identity token that aws-actions/configure-aws-credentials sets up for OIDC, a profile,
 * or the instance's role. No long-lived key is needed.
 */

export type S3Target = BucketTarget

export function parseS3Uri(uri: string): S3Target {
  return parseBucketUri(uri, 's3', 'an S3 location')
}

const truthy = (value: string | undefined): boolean =>
  ['true', '1', 'yes'].includes((value ?? '').trim().toLowerCase())

/** The S3 endpoint the environment names, as MLflow's client would pick it. */
export function s3Endpoint(env: NodeJS.ProcessEnv): string | undefined {
  return (
    env.MLFLOW_S3_ENDPOINT_URL?.trim() ||
    env.AWS_ENDPOINT_URL_S3?.trim() ||
    env.AWS_ENDPOINT_URL?.trim() ||
    undefined
  )
}

/** The client settings the environment gives, as MLflow's boto3 client would read them. */
export function s3ClientSettings(env: NodeJS.ProcessEnv): {
  region: string
  endpoint?: string
  forcePathStyle: boolean
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  profile?: string
  ignoreTls: boolean
} {
  const endpoint = s3Endpoint(env)
  const style = env.MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE?.trim().toLowerCase()
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {})
        }
      : undefined
  return {
    // boto3 signs for us-east-1 when nothing names a region; a bucket elsewhere answers with a
    // redirect that the SDK follows.
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    // botocore's "auto" addressing is path-style on a custom endpoint.
    forcePathStyle: style === 'path' || (endpoint !== undefined && style !== 'virtual'),
    // Without keys in the given environment the SDK's default chain runs (web identity, SSO,
    // profile, container and instance roles).
    ...(credentials ? { credentials } : {}),
    ...(env.AWS_PROFILE?.trim() && !credentials ? { profile: env.AWS_PROFILE.trim() } : {}),
    ignoreTls: truthy(env.MLFLOW_S3_IGNORE_TLS)
  }
}

async function s3Client(env: NodeJS.ProcessEnv): Promise<S3Client> {
  // Loaded here, not at the top: an action that never reads S3 never loads the SDK.
  const { S3Client } = sdkExports(await storeSdks.awsS3(), ['S3Client'], S3_SDK)
  const { ignoreTls, ...settings } = s3ClientSettings(env)
  let requestHandler: unknown
  if (ignoreTls) {
    const [handler, https] = await Promise.all([
      storeSdks.smithyHttpHandler(),
      import('node:https')
    ])
    const { NodeHttpHandler } = sdkExports(
      handler,
      ['NodeHttpHandler'],
      '@smithy/node-http-handler'
    )
    requestHandler = new NodeHttpHandler({
      httpsAgent: new https.Agent({ rejectUnauthorized: false, keepAlive: true })
    })
  }
  return new S3Client({
    ...settings,
    followRegionRedirects: true,
    ...(requestHandler ? { requestHandler: requestHandler as never } : {}),
    maxAttempts: 5
  })
}

interface SdkError {
  name?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
}

function storeError(location: ArtifactLocation, doing: string, error: unknown): ActionError {
  const e = (error ?? {}) as SdkError
  const status = e.$metadata?.httpStatusCode
  const what = `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`
  const hint =
    status === 403 || /credential/i.test(`${e.name} ${e.message}`)
      ? 'the job needs AWS credentials that can read it: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role through aws-actions/configure-aws-credentials (OIDC)'
      : 'check the bucket, the region (AWS_REGION) and, for an S3-compatible store, MLFLOW_S3_ENDPOINT_URL'
  return new ActionError(
    `Could not ${doing} '${printable(location.uri)}' on S3: ${printable(what)}; ${hint}`,
    { cause: error }
  )
}

const isNotFound = (error: unknown): boolean => {
  const e = error as SdkError
  return e?.$metadata?.httpStatusCode === 404 || e?.name === 'NotFound' || e?.name === 'NoSuchKey'
}

export type S3ReaderOptions = StoreReaderOptions

export async function openS3Reader(
  location: ArtifactLocation,
  env: NodeJS.ProcessEnv,
  options: S3ReaderOptions = {}
): Promise<ArtifactReader> {
  const { bucket, key } = parseS3Uri(location.uri)
  const client = await s3Client(env)
  const { ListObjectsV2Command, HeadObjectCommand, GetObjectCommand } = sdkExports(
    await storeSdks.awsS3(),
    ['ListObjectsV2Command', 'HeadObjectCommand', 'GetObjectCommand'],
    S3_SDK
  )
  const ranged = options.ranged ?? DEFAULT_RANGED
  const threshold = options.rangedThreshold ?? RANGED_THRESHOLD
  let listing: ArtifactListing | undefined
  const keyOf = (file: ArtifactFile): string => {
    if (listing?.kind === 'file') return key
    return key === '' ? file.relpath : `${key}/${file.relpath}`
  }

  const list = async (limits = DEFAULT_LISTING_LIMITS): Promise<ArtifactListing> => {
    const prefix = key === '' ? '' : `${key}/`
    const guard = new ListingGuard(location, limits)
    let token: string | undefined
    do {
      let page
      try {
        page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })
        )
      } catch (error) {
        throw storeError(location, 'list', error)
      }
      for (const object of page.Contents ?? []) {
        const rel = relativeKey(location, prefix, object.Key ?? '')
        // A zero-byte key ending in '/' is a folder marker (the S3 console makes them), not a file.
        if (rel.endsWith('/') && (object.Size ?? 0) === 0) continue
        guard.add(rel, object.Size)
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    if (guard.count > 0 || key === '') {
      listing = guard.folder()
      return listing
    }
    // No folder of that name: the artifact may be one object (log_artifact of a single file).
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      listing = singleFile(location, key, head.ContentLength, limits)
      return listing
    } catch (error) {
      if (!isNotFound(error)) throw storeError(location, 'read', error)
    }
    throw new ActionError(
      `The artifact '${printable(location.uri)}' does not exist on S3 (no object and no folder of that name; it may have been deleted)`
    )
  }

  const read = async <T>(
    file: ArtifactFile,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> => {
    const objectKey = keyOf(file)
    const abort = new AbortController()
    try {
      const large = (file.size ?? 0) >= threshold
      const first = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          ...(large ? { Range: `bytes=0-${ranged.partSize - 1}` } : {})
        }),
        { abortSignal: abort.signal }
      )
      const body = first.Body as unknown as AsyncIterable<Uint8Array>
      const total = large ? totalFromContentRange(first.ContentRange) : undefined
      if (total === undefined || first.ContentLength === undefined || !first.ETag) {
        return await consume(body)
      }
      const etag = first.ETag
      const fetchPart = async (start: number, end: number): Promise<AsyncIterable<Uint8Array>> => {
        const part = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: objectKey,
            Range: `bytes=${start}-${end}`,
            // The version the first part came from, or a failed read (never a spliced file).
            IfMatch: etag
          }),
          { abortSignal: abort.signal }
        )
        return part.Body as unknown as AsyncIterable<Uint8Array>
      }
      return await consume(partsInOrder(body, first.ContentLength, total, fetchPart, ranged))
    } catch (error) {
      if (error instanceof ActionError) throw error
      throw storeError(location, `read '${printable(file.relpath)}' of`, error)
    } finally {
      abort.abort()
    }
  }

  return { location, list, read }
}
