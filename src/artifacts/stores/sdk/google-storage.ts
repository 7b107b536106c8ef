// @google-cloud/storage: only the names the store readers use, so the CLI bundle carries no more of it.
export { Storage } from '@google-cloud/storage'
