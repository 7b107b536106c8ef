// @aws-sdk/client-s3: only the names the store readers use, so the CLI bundle carries no more of it.
export {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3'
