/**
 * The cloud SDKs the store readers use, each loaded on its first use.
 *
 * They are most of the suite's weight (1.9 MB of bundled code), and both the actions and the
 * standalone CLI need them. So they ship once: in dist/cli/index.js, which exports this object.
 * The actions' build replaces this module with one that imports the CLI bundle beside them and
 * calls the same loaders (scripts/lib/bundle-plugins.mjs, storeSdksFromCli). Under tsx and jest
 * this file is used as written.
 *
 * Each loader imports a module under ./sdk/ that re-exports only the names the readers use, so
 * the bundle keeps no more of the SDK than that. A loader gives the module as the bundler
 * delivered it: take names through sdkExports.
 */
export const storeSdks = {
  awsS3: () => import('./sdk/aws-s3.js'),
  smithyHttpHandler: () => import('./sdk/smithy-http-handler.js'),
  azureBlob: () => import('./sdk/azure-blob.js'),
  azureIdentity: () => import('./sdk/azure-identity.js'),
  googleStorage: () => import('./sdk/google-storage.js')
}
