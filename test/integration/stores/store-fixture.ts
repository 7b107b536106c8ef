import { digestArtifact, manifestDigest } from '../../../src/artifacts/digest.js'
import type { ArtifactLocation, ArtifactReader, StoreScheme } from '../../../src/artifacts/types.js'
import { runPythonJson, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { startStoreMlflow, stopStore } from '../../harness/stores.js'
import type { StoreProcess } from '../../harness/stores.js'
import type { ServerInfo } from '../../harness/servers.js'

/**
 * One store under test: the store process, and two real MLflow servers on it, one giving runs
 * the store's own URIs (direct) and one proxying it (proxied), as docs/stores.md describes.
 */
export interface StoreRig {
  store: StoreProcess
  direct: ServerInfo
  proxied: ServerInfo
  /** Store URIs of the two servers' artifact roots. */
  directRoot: string
  proxiedRoot: string
  env: Record<string, string>
}

export async function startRig(
  name: string,
  start: (runId: string) => Promise<StoreProcess>,
  bucketUri: (bucket: string) => string
): Promise<StoreRig> {
  // An underscore, not a dash: the harness keeps a database while the pid in its name is alive.
  const runId = `${harness().runId}_${name}`
  const store = await start(runId)
  const env = store.env
  const bucket = `mg-${name}-${Date.now().toString(36)}`
  const directRoot = `${bucketUri(bucket)}/direct`
  const proxiedRoot = `${bucketUri(bucket)}/proxied`
  const servers = [
    startStoreMlflow({ name: `${name}-direct`, runId, mode: 'direct', root: directRoot, env }),
    startStoreMlflow({ name: `${name}-proxied`, runId, mode: 'proxied', root: proxiedRoot, env })
  ]
  try {
    runPythonJson('store_ops.py', ['create', bucketUri(bucket)], { env })
    const [direct, proxied] = await Promise.all(servers)
    return { store, direct: direct!, proxied: proxied!, directRoot, proxiedRoot, env }
  } catch (error) {
    // Nothing this file started outlives it, whichever part failed.
    const started = await Promise.allSettled(servers)
    await Promise.all([
      stopStore(store),
      ...started.flatMap(s => (s.status === 'fulfilled' ? [stopStore(s.value)] : []))
    ])
    throw error
  }
}

export async function stopRig(rig: StoreRig | undefined): Promise<void> {
  if (!rig) return
  await Promise.all([stopStore(rig.direct), stopStore(rig.proxied), stopStore(rig.store)])
}

export interface LoggedVersion {
  /** The registered model's name. */
  name: string
  run_id: string
  run_artifact_uri: string
  model_id: string
  logged_model_artifact_uri: string
  version: string
  source: string
}

const logged = new Map<string, { clean: LoggedVersion; tampered: LoggedVersion }>()

/**
 * Two versions per server, each `mlflow.sklearn.log_model(model, name="model")` in a run and
 * registered from runs:/<run>/model as version 1 of its own model, logged in one Python process
 * on first use (a process pays MLflow's import and first requests, most of a log's time): `clean`
 * is only read and promoted, `tampered` has bytes changed in the store by the tamper tests.
 */
export function sklearnVersions(
  server: ServerInfo,
  env: Record<string, string>
): { clean: LoggedVersion; tampered: LoggedVersion } {
  let both = logged.get(server.uri)
  if (!both) {
    const [clean, tampered] = runPythonJson<LoggedVersion[]>(
      'store_log_model.py',
      [server.uri, uniqueName('exp'), uniqueName('stores'), uniqueName('stores-tampered')],
      { env, timeoutMs: 360_000 }
    )
    both = { clean: clean!, tampered: tampered! }
    logged.set(server.uri, both)
  }
  return both
}

/** The logged model's files, found as the brief says: the REST API's info.artifact_uri. */
export async function loggedModelUri(server: ServerInfo, modelId: string): Promise<string> {
  const url = `${server.uri}/api/2.0/mlflow/logged-models/${modelId}`
  // fetch may reuse the socket of the start-up health check, which the server closed when idle
  // (uvicorn's keep-alive is 5 s): one retry on a new connection.
  const response = await fetch(url).catch(() => fetch(url))
  if (!response.ok) throw new Error(`GET logged-models/${modelId}: HTTP ${response.status}`)
  const body = (await response.json()) as { model: { info: { artifact_uri: string } } }
  return body.model.info.artifact_uri
}

/** A proxied server's mlflow-artifacts:/<path> is <destination>/<path> in the store. */
export function inDestination(proxiedUri: string, destination: string): string {
  const path = proxiedUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/?/, '')
  return `${destination}/${path}`
}

export function locationOf(uri: string, scheme: StoreScheme): ArtifactLocation {
  return { uri, scheme, via: `test: ${uri}` }
}

/** Per-file sha256 by relpath, as the store's own Python SDK reads the objects. */
export function pythonHashes(uri: string, env: Record<string, string>): Record<string, string> {
  return runPythonJson<Record<string, string>>('store_ops.py', ['hash', uri], { env })
}

/** Digests with the reader, and checks every file against hashlib over the Python SDK's bytes. */
export async function digestAndCompare(
  reader: ArtifactReader,
  env: Record<string, string>
): Promise<{
  ours: Record<string, string>
  theirs: Record<string, string>
  digest: string
  expected: string
}> {
  const digest = await digestArtifact(reader)
  const theirs = pythonHashes(reader.location.uri, env)
  const ours = Object.fromEntries(digest.files.map(f => [f.path, f.sha256]))
  const expected = manifestDigest(
    Object.entries(theirs).map(([path, sha256]) => ({ path, sha256 }))
  )
  return { ours, theirs, digest: digest.digest, expected }
}
