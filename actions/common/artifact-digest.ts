import { digestArtifact, locateArtifact, openReader } from '../../src/artifacts/index.js'
import type { MlflowClient } from '../../src/mlflow/index.js'
import type { VersionDigester } from '../../src/promotion/index.js'

/**
 * A version's artifact digested where MLflow's client would find it: located from the version's
 * download URI, read from its store (the proxy through this client, a cloud store through its
 * SDK and the runner's credential chain), every file's sha256 and the manifest digest.
 */
export function versionDigester(client: MlflowClient, env: NodeJS.ProcessEnv): VersionDigester {
  return async version => {
    const location = await locateArtifact(client, version)
    return digestArtifact(await openReader(location, { mlflow: client, env }))
  }
}
