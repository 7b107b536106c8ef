import { expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { ARTIFACT_DIGEST_TAG } from '../../../src/artifacts/index.js'
import { runCli } from '../../../src/cli/main.js'
import { runDist, type DistResult } from '../../harness/dist-runner.js'
import { OUTPUT } from '../../harness/paths.js'
import { dumpModel, runPythonJson } from '../../harness/python.js'
import type { ServerInfo } from '../../harness/servers.js'
import { RUN_ENV, workspace } from '../reconcile/fixtures.js'
import type { DumpedModel } from '../promote-model/helpers.js'
import { inDestination, pythonHashes, sklearnVersions, type StoreRig } from './store-fixture.js'

/**
 * The approval workflow's artifact steps end to end on one store rig, each as a user runs it:
 * validate (promote-model's bundle with plan-only, as model-approval.yml's validate job runs it),
 * promote (the bundle with the approved digest and manifest), audit (the audit-log bundle with
 * promote-model's artifact output) and serve (the CLI's `resolve --download`). Direct mode gives
 * the bundles and the CLI the store's credentials as a runner has them (AWS_*,
 * MLFLOW_S3_ENDPOINT_URL, AZURE_STORAGE_CONNECTION_STRING, STORAGE_EMULATOR_HOST); proxied mode
 * gives them none, since every byte goes through the tracking server.
 */
export interface Flow {
  server: ServerInfo
  /** What the bundles and the CLI get: the store's variables in direct mode, nothing proxied. */
  clientEnv: Record<string, string>
  /** What the test's own store operations (flip, hash) get: always the store's variables. */
  storeEnv: Record<string, string>
  /** Store URI of the proxied server's destination, to find a mlflow-artifacts:/ file. */
  destination: string | null
  name: string
  version: string
  /** A git repository with the policy committed: the workflow's checkout, AUDIT.log's home. */
  ws: string
}

/**
 * A version logged with mlflow.sklearn.log_model and registered from runs:/<run>/model (the
 * rig's `clean` one, or the one whose bytes the tamper cases change).
 */
export function flowOf(
  rig: StoreRig,
  mode: 'direct' | 'proxied',
  which: 'clean' | 'tampered'
): Flow {
  const server = mode === 'direct' ? rig.direct : rig.proxied
  const logged = sklearnVersions(server, rig.env)[which]
  // MLflow 3.17's register_model records runs:/<run>/model naming a logged model as models:/m-<id>.
  expect(logged.source).toBe(`models:/${logged.model_id}`)
  return {
    server,
    clientEnv: mode === 'direct' ? rig.env : {},
    storeEnv: rig.env,
    destination: mode === 'direct' ? null : rig.proxiedRoot,
    name: logged.name,
    version: logged.version,
    ws: workspace(`stores-${mode}`)
  }
}

const distEnv = (flow: Flow) => ({ ...RUN_ENV, ...flow.clientEnv })

function base(flow: Flow): Record<string, string> {
  return {
    'model-name': flow.name,
    version: flow.version,
    stage: 'Production',
    'allow-skip': 'true',
    'tracking-uri': flow.server.uri
  }
}

export interface Validated {
  digest: string
  manifest: string
  /** sha256 by relative path, parsed from the manifest. */
  files: Record<string, string>
  /** The store URI the files were read from (mlflow-artifacts:/… when proxied). */
  uri: string
  run: DistResult
}

/** model-approval.yml's validate step: promote-model with plan-only, the read credential only. */
export async function validate(flow: Flow): Promise<Validated> {
  const run = await runDist(
    'promote-model',
    { ...base(flow), 'plan-only': 'true' },
    { workspace: flow.ws, env: distEnv(flow) }
  )
  if (run.code !== 0) throw new Error(`plan-only failed: ${run.all.slice(-3000)}`)
  const digest = run.outputs['artifact-digest'] ?? ''
  const manifest = run.outputs['artifact-manifest'] ?? ''
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  const files = Object.fromEntries(
    manifest
      .split('\n')
      .filter(line => line !== '')
      .map(line => {
        const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line)
        if (!match) throw new Error(`not a manifest line: ${JSON.stringify(line)}`)
        return [match[2]!, match[1]!]
      })
  )
  const artifact = JSON.parse(run.outputs.artifact ?? '{}') as {
    digest: string
    files: number
    uri: string
  }
  expect(artifact).toMatchObject({ digest, files: Object.keys(files).length })
  return { digest, manifest, files, uri: artifact.uri, run }
}

/** model-approval.yml's promote step: promote-model with what validation produced. */
export function promoteApproved(flow: Flow, approved: Validated): Promise<DistResult> {
  return runDist(
    'promote-model',
    {
      ...base(flow),
      'approved-artifact-digest': approved.digest,
      'approved-artifact-manifest': approved.manifest
    },
    { workspace: flow.ws, env: distEnv(flow) }
  )
}

/** model-approval.yml's audit step: audit-log with promote-model's outputs, committed locally. */
export async function audit(flow: Flow, promoted: DistResult): Promise<Record<string, unknown>> {
  const run = await runDist(
    'audit-log',
    {
      event: 'promote',
      'model-name': flow.name,
      version: promoted.outputs.version ?? '',
      from: 'None',
      to: promoted.outputs.stage ?? '',
      'previous-version': promoted.outputs['previous-version'] ?? '',
      reason: `release ${flow.name}`,
      artifact: promoted.outputs.artifact ?? '',
      'tracking-uri': flow.server.uri,
      push: 'false'
    },
    { workspace: flow.ws, env: RUN_ENV }
  )
  if (run.code !== 0) throw new Error(`audit-log failed: ${run.all.slice(-3000)}`)
  const lines = readFileSync(path.join(flow.ws, 'AUDIT.log'), 'utf8').trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}

/** `model-governance resolve <model> Production --download DIR [--json]`, as a shell runs it. */
export async function serve(flow: Flow, dir: string, json = true) {
  const out: string[] = []
  const err: string[] = []
  const args = ['resolve', flow.name, 'Production', '--download', dir, ...(json ? ['--json'] : [])]
  const code = await runCli(args, {
    env: { MLFLOW_TRACKING_URI: flow.server.uri, ...flow.clientEnv },
    cwd: flow.ws,
    stdout: { write: t => void out.push(t) },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** A fresh parent folder for a download target, and the target inside it (not created). */
export function target(): { parent: string; dir: string } {
  mkdirSync(path.join(OUTPUT, 'stores-dl'), { recursive: true })
  const parent = mkdtempSync(path.join(OUTPUT, 'stores-dl', 'dl-'))
  return { parent, dir: path.join(parent, 'model') }
}

/** sha256 by relative path of every file under dir, as they landed. */
export function landed(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const entry of readdirSync(path.join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${entry}` : entry
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, landed(dir, rel))
    else
      out[rel] = createHash('sha256')
        .update(readFileSync(path.join(dir, rel)))
        .digest('hex')
  }
  return out
}

/** The store URI of one file of the validated artifact (the proxy's destination mapped back). */
export function storeUriOf(flow: Flow, approved: Validated, file: string): string {
  const root = flow.destination ? inDestination(approved.uri, flow.destination) : approved.uri
  return `${root}/${file}`
}

/** The store's own Python SDK's view of the validated artifact: sha256 by relative path. */
export function sdkHashes(flow: Flow, approved: Validated): Record<string, string> {
  const root = flow.destination ? inDestination(approved.uri, flow.destination) : approved.uri
  return pythonHashes(root, flow.storeEnv)
}

/** One byte changed in the bucket (run again to restore it). */
export function flipByte(flow: Flow, uri: string): void {
  runPythonJson('store_ops.py', ['flip', uri], { env: flow.storeEnv })
}

/** The registered model as MLflow's own Python client reads it. */
export function registry(flow: Flow): DumpedModel {
  return dumpModel(flow.server.uri, flow.name) as DumpedModel
}

export function digestTag(model: DumpedModel, version: string): string | undefined {
  return model.versions.find(v => v.version === version)?.tags[ARTIFACT_DIGEST_TAG]
}

/** Nothing unverified appeared: DIR absent (or empty), and no temporary folder beside it. */
export function nothingLanded(parent: string, dir: string): void {
  if (existsSync(dir)) expect(readdirSync(dir)).toEqual([])
  expect(readdirSync(parent).filter(n => n !== path.basename(dir))).toEqual([])
}
