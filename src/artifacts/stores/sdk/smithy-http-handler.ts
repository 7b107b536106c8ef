// @smithy/node-http-handler: only the names the store readers use, so the CLI bundle carries no more of it.
export { NodeHttpHandler } from '@smithy/node-http-handler'
