import { describe, expect, test } from '@jest/globals'
import { parseAzureUri } from '../../../src/artifacts/stores/azure.js'
import { parseGcsUri } from '../../../src/artifacts/stores/gcs.js'
import { STORE_READERS } from '../../../src/artifacts/stores/index.js'
import { parseS3Uri, s3ClientSettings, s3Endpoint } from '../../../src/artifacts/stores/s3.js'

describe('store URIs, as MLflow writes them', () => {
  test('s3://bucket/key, trailing slashes dropped; the whole bucket is key ""', () => {
    expect(parseS3Uri('s3://my-bucket/mlflow-artifacts/1/models/m-1/artifacts/')).toEqual({
      bucket: 'my-bucket',
      key: 'mlflow-artifacts/1/models/m-1/artifacts'
    })
    expect(parseS3Uri('s3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' })
    expect(() => parseS3Uri('s3://user:pass@bucket/x')).toThrow(/not an S3 location/)
    expect(() => parseS3Uri('gs://bucket/x')).toThrow(/not an S3 location/)
  })

  test('the S3 endpoint: MLFLOW_S3_ENDPOINT_URL first (MLflow), then the AWS SDK variables', () => {
    expect(s3Endpoint({})).toBeUndefined()
    expect(s3Endpoint({ AWS_ENDPOINT_URL: 'http://b' })).toBe('http://b')
    expect(s3Endpoint({ AWS_ENDPOINT_URL: 'http://b', AWS_ENDPOINT_URL_S3: 'http://s3' })).toBe(
      'http://s3'
    )
    expect(
      s3Endpoint({ MLFLOW_S3_ENDPOINT_URL: 'http://m', AWS_ENDPOINT_URL_S3: 'http://s3' })
    ).toBe('http://m')
  })

  test('gs://bucket/path', () => {
    expect(parseGcsUri('gs://b/p/q/')).toEqual({ bucket: 'b', key: 'p/q' })
    expect(() => parseGcsUri('s3://b/p')).toThrow(/not a GCS location/)
  })

  test('wasbs:// on the Blob endpoint; abfss:// maps its dfs host to the Blob endpoint and decodes its path', () => {
    expect(parseAzureUri('wasbs://c@acct.blob.core.windows.net/a/b')).toEqual({
      container: 'c',
      account: 'acct',
      blobSuffix: 'blob.core.windows.net',
      key: 'a/b'
    })
    expect(parseAzureUri('abfss://fs@acct.dfs.core.windows.net/my%20models/m/')).toEqual({
      container: 'fs',
      account: 'acct',
      blobSuffix: 'blob.core.windows.net',
      key: 'my models/m'
    })
    expect(() => parseAzureUri('wasbs://c@acct.evil.example/a')).toThrow(
      /not an Azure Blob location/
    )
    expect(() => parseAzureUri('abfss://fs@acct.blob.core.windows.net/a')).toThrow(
      /not an Azure Blob location/
    )
  })

  test('the dispatch names a reader per cloud scheme, and a bad URI fails before any SDK call', async () => {
    expect(Object.keys(STORE_READERS).sort()).toEqual(['abfss', 'gs', 's3', 'wasbs'])
    await expect(
      STORE_READERS.s3({ uri: 'gs://x/y', scheme: 's3', via: 'test' }, {})
    ).rejects.toThrow(/not an S3 location/)
  })
})

describe('the S3 client settings, as MLflow reads the environment', () => {
  test('no environment: us-east-1, virtual-hosted addressing, the SDK default credential chain', () => {
    expect(s3ClientSettings({})).toEqual({
      region: 'us-east-1',
      forcePathStyle: false,
      ignoreTls: false
    })
  })

  test('an S3-compatible endpoint: path-style (botocore "auto"), unless virtual is asked for', () => {
    const env = { MLFLOW_S3_ENDPOINT_URL: 'https://minio.internal:9000' }
    expect(s3ClientSettings(env)).toMatchObject({
      endpoint: 'https://minio.internal:9000',
      forcePathStyle: true
    })
    expect(
      s3ClientSettings({ ...env, MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE: 'virtual' }).forcePathStyle
    ).toBe(false)
    expect(s3ClientSettings({ MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE: 'path' }).forcePathStyle).toBe(
      true
    )
  })

  test('keys and a session token from the environment (what configure-aws-credentials exports); empty ones fall back to the chain', () => {
    expect(
      s3ClientSettings({
        AWS_ACCESS_KEY_ID: 'ASIA1',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
        AWS_REGION: 'eu-west-1',
        AWS_PROFILE: 'ignored-with-keys'
      })
    ).toEqual({
      region: 'eu-west-1',
      forcePathStyle: false,
      credentials: { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' },
      ignoreTls: false
    })
    expect(
      s3ClientSettings({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'dev' })
    ).toEqual({ region: 'us-east-1', forcePathStyle: false, profile: 'dev', ignoreTls: false })
    expect(s3ClientSettings({ AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1')
  })

  test('MLFLOW_S3_IGNORE_TLS turns TLS verification off, as in MLflow', () => {
    expect(s3ClientSettings({ MLFLOW_S3_IGNORE_TLS: 'true' }).ignoreTls).toBe(true)
    expect(s3ClientSettings({ MLFLOW_S3_IGNORE_TLS: 'false' }).ignoreTls).toBe(false)
  })
})
