import { spawn } from 'node:child_process'
import { mkdirSync, openSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { OUTPUT, ROOT, VENV_BIN } from './paths.js'
import { freePort, startMlflowServer, stopProcessGroup } from './servers.js'
import type { ServerInfo } from './servers.js'

/**
 * The artifact stores of test/integration/stores and the bench, started lazily by the test
 * files that need them (not by global setup: the other files would pay their start-up):
 *  - S3: the moto server (PyPI moto[server]), any key accepted;
 *  - Azure Blob: Azurite (npm azurite), the published development account;
 *  - GCS: gcp-storage-emulator (PyPI), in memory, no credentials.
 * Each runs in its own process group, stopped by pid (stopStore).
 */

export interface StoreProcess {
  pid: number
  log: string
  /** The environment a client (MLflow's, the readers, the Python SDKs) needs to reach it. */
  env: Record<string, string>
}

/** Azurite's well-known development account (docs: "Azurite ... well-known storage account"). */
export const AZURITE_ACCOUNT = 'devstoreaccount1'
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function waitForPort(port: number, pid: number, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      try {
        process.kill(pid, 0)
      } catch {
        reject(new Error(`a store exited during start-up; see ${log}`))
        return
      }
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve()
      })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`no store on port ${port}; see ${log}`))
        else setTimeout(attempt, 200)
      })
    }
    attempt()
  })
}

function startProcess(
  name: string,
  runId: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env
): { pid: number; log: string; dir: string } {
  const dir = path.join(OUTPUT, 'servers', runId, name)
  mkdirSync(dir, { recursive: true })
  const log = path.join(dir, `${name}.log`)
  const out = openSync(log, 'a')
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', out, out], cwd: dir })
  child.unref()
  if (child.pid === undefined) throw new Error(`could not start ${name}`)
  return { pid: child.pid, log, dir }
}

/** moto's S3 server; MLflow's client and boto3 reach it through MLFLOW_S3_ENDPOINT_URL. */
export async function startMoto(runId: string): Promise<StoreProcess> {
  const port = await freePort()
  const { pid, log } = startProcess('moto', runId, path.join(VENV_BIN, 'moto_server'), [
    '-H',
    '127.0.0.1',
    '-p',
    String(port)
  ])
  await waitForPort(port, pid, log)
  return {
    pid,
    log,
    env: {
      MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1'
    }
  }
}

/** Azurite's Blob service; clients reach it through AZURE_STORAGE_CONNECTION_STRING. */
export async function startAzurite(runId: string): Promise<StoreProcess> {
  const port = await freePort()
  const { pid, log, dir } = startProcess('azurite', runId, process.execPath, [
    path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js'),
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(port),
    '--location',
    path.join(OUTPUT, 'servers', runId, 'azurite', 'data'),
    // The Python and JavaScript SDKs may speak a newer API version than this Azurite knows.
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    '--silent'
  ])
  void dir
  await waitForPort(port, pid, log)
  return {
    pid,
    log,
    env: {
      AZURE_STORAGE_CONNECTION_STRING:
        `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
        `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`
    }
  }
}

/** gcp-storage-emulator, in memory; clients reach it through STORAGE_EMULATOR_HOST. */
export async function startGcsEmulator(runId: string): Promise<StoreProcess> {
  const port = await freePort()
  const { pid, log } = startProcess('gcs', runId, path.join(VENV_BIN, 'gcp-storage-emulator'), [
    'start',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--in-memory',
    '--quiet'
  ])
  await waitForPort(port, pid, log)
  return {
    pid,
    log,
    env: { STORAGE_EMULATOR_HOST: `http://127.0.0.1:${port}`, GOOGLE_CLOUD_PROJECT: 'test' }
  }
}

export const stopStore = (store: { pid: number }): Promise<void> => stopProcessGroup(store.pid)

/**
 * An MLflow server on a store: `direct` gives runs the store's own URIs (clients read and write
 * the bucket: --default-artifact-root … --no-serve-artifacts); `proxied` gives them
 * mlflow-artifacts:/ URIs and the server writes the store (--serve-artifacts
 * --artifacts-destination …). The server gets the store's environment, as a deployment would.
 */
export function startStoreMlflow(options: {
  name: string
  runId: string
  mode: 'direct' | 'proxied'
  root: string
  env: Record<string, string>
}): Promise<ServerInfo> {
  return startMlflowServer({
    name: options.name,
    runId: options.runId,
    env: options.env,
    artifacts:
      options.mode === 'direct'
        ? { defaultArtifactRoot: options.root }
        : { artifactsDestination: options.root }
  })
}
