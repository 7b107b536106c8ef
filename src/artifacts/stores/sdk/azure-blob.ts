// @azure/storage-blob: only the names the store readers use, so the CLI bundle carries no more of it.
export { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
