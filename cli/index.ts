// Bundle entry of the model-governance command (dist/cli/index.js); the code is in src/cli/.
//
// The file is also where the actions take the cloud SDKs from, so that they ship once
// (src/artifacts/stores/sdks.ts says why). The actions import it as '../cli/index.js?store-sdks':
// that import must not run a command. The command is loaded by a dynamic import, which the
// bundle keeps lazy, so the actions' import evaluates only the few lines here.
export { storeSdks } from '../src/artifacts/stores/sdks.js'

if (new URL(import.meta.url).search !== '?store-sdks') await import('../src/cli/index.js')
