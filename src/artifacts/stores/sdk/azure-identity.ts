// @azure/identity: only the names the store readers use, so the CLI bundle carries no more of it.
export { DefaultAzureCredential } from '@azure/identity'
