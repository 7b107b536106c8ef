import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as crypto from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GitRunner } from '../git/git.js'
import type { LoggedModel, ModelVersion, Run } from '../mlflow/index.js'
import { commitMatches } from './git-checks.js'
import { hashFilesSync } from './hash-file.js'
import { manifestHash, type ManifestEntry } from './manifest.js'
import type { ModelLink } from './model-link.js'

/** The MLflow operations the model link needs; MlflowClient provides them. */
export interface LineageMlflow {
  getModelVersion(name: string, version: string): Promise<ModelVersion>
  getRun(runId: string): Promise<Run>
  getLoggedModel(modelId: string): Promise<LoggedModel>
  listProxiedArtifacts(path: string): Promise<{ path: string; is_dir: boolean }[]>
  downloadProxiedArtifact<T>(
    path: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T>
}

export interface MlflowLinkResult {
  runId: string
  commit?: string
  commitCheck?: string
  artifactCompared?: string
  artifactMd5?: string
  problems: string[]
}

const PROXY_SCHEME = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/

/** Where the registered model's files are, as a path inside the server's artifact proxy. */
async function artifactProxyPath(
  client: LineageMlflow,
  version: ModelVersion | undefined,
  run: Run
): Promise<string> {
  let uri = version?.source ?? ''
  const runsUri = /^runs:\/([^/]+)\/?(.*)$/.exec(uri)
  if (runsUri)
    uri = `${(await client.getRun(runsUri[1]!)).info.artifact_uri ?? ''}/${runsUri[2] ?? ''}`
  const modelsUri = /^models:\/(m-[^/]+)\/?$/.exec(uri)
  if (modelsUri) uri = (await client.getLoggedModel(modelsUri[1]!)).info.artifact_uri ?? ''
  if (!version) uri = run.info.artifact_uri ?? ''
  const proxied = PROXY_SCHEME.exec(uri)
  if (!proxied) {
    throw new ConfigurationError(
      `The registered model's artifacts are at '${uri.replace(/\/\/[^/@]*@/, '//')}', which is not served through the MLflow artifact proxy (mlflow-artifacts:); set verify-mlflow-artifact: false or run the server with --serve-artifacts`
    )
  }
  return proxied[1]!.replace(/\/+$/, '')
}

async function digestStream(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of body) hash.update(chunk)
  return hash.digest('hex')
}

/** Legacy entries need DVC's chunked dos2unix rule: stream to a temp file (outside the workspace), hash it, delete it. */
async function digestLegacy(client: LineageMlflow, artifact: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lineage-artifact-'))
  try {
    const file = path.join(dir, 'artifact')
    await client.downloadProxiedArtifact(artifact, async body => {
      const out = fs.createWriteStream(file)
      for await (const chunk of body)
        if (!out.write(chunk)) await new Promise<void>(r => out.once('drain', () => r()))
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve()))
      )
    })
    const [result] = hashFilesSync({ fs, crypto }, [{ path: file, mode: 'legacy' }])
    if (!result || 'error' in result)
      throw new Error(`could not hash the downloaded artifact ${artifact}`)
    return result.md5
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function listTree(client: LineageMlflow, root: string, sub = ''): Promise<string[]> {
  const listed = await client.listProxiedArtifacts(sub ? `${root}/${sub}` : root)
  const files: string[] = []
  for (const item of listed) {
    const name = path.posix.basename(item.path)
    const rel = sub ? `${sub}/${name}` : name
    if (item.is_dir) files.push(...(await listTree(client, root, rel)))
    else files.push(rel)
  }
  return files
}

/**
 * The run behind the model must come from this commit's pipeline, and (optionally) the
 * registered files must be the bytes dvc.lock records for the model out.
 */
export async function checkMlflowLink(options: {
  client: LineageMlflow
  git: GitRunner
  root: string
  gitPrefix: string
  head: string
  /** Every dvc.yaml, dvc.lock and .dvc file, relative to the project root. */
  lineageFiles?: string[]
  model: ModelLink | undefined
  modelName?: string
  version?: string
  runId?: string
  verifyArtifact: boolean
  logger: Logger
}): Promise<MlflowLinkResult> {
  const { client } = options
  const version =
    options.modelName && options.version
      ? await client.getModelVersion(options.modelName, options.version)
      : undefined
  const runId = options.runId ?? version?.run_id
  if (!runId) {
    throw new ConfigurationError(
      `registered model '${options.modelName}' version ${options.version} has no run_id, so its commit cannot be checked; pass 'run-id'`
    )
  }
  const run = await client.getRun(runId)
  const result: MlflowLinkResult = { runId, problems: [] }
  const commit = run.data.tags.find(t => t.key === 'mlflow.source.git.commit')?.value
  if (!commit) {
    result.problems.push(
      `run ${runId} has no mlflow.source.git.commit tag, so it cannot be tied to this commit; log the run from a git checkout (MLflow sets the tag) or set it explicitly`
    )
  } else if (!options.head) {
    result.problems.push(
      `run ${runId} was logged at ${commit}, but the workspace has no git HEAD to compare with`
    )
  } else {
    result.commit = commit
    const match = await commitMatches(
      options.git,
      options.root,
      options.gitPrefix,
      options.head,
      commit,
      ...(options.lineageFiles ? [options.lineageFiles] : [])
    )
    result.commitCheck = match.reason
    if (!match.ok)
      result.problems.push(
        `run ${runId} was logged at commit ${commit}, not this pipeline's commit: ${match.reason}`
      )
  }
  if (options.verifyArtifact) {
    const model = options.model
    if (!model?.md5) {
      result.problems.push(
        'verify-mlflow-artifact is true, but no model with a dvc.lock hash was found; set model-path or add a dvc.yaml artifact of type model'
      )
      return result
    }
    const artifact = await artifactProxyPath(client, version, run)
    const tree = await listTree(client, artifact)
    if (model.md5.endsWith('.dir')) {
      if (model.legacy) {
        result.problems.push(
          `model ${model.path} has a legacy (DVC 2) .dir entry; re-run \`dvc repro\` (or \`dvc cache migrate --dvc-files\`) before comparing it with MLflow`
        )
        return result
      }
      const entries: ManifestEntry[] = []
      for (const rel of tree)
        entries.push({
          relpath: rel,
          md5: await client.downloadProxiedArtifact(`${artifact}/${rel}`, digestStream)
        })
      result.artifactMd5 = manifestHash(entries)
      result.artifactCompared = `the .dir manifest of all ${entries.length} files under the registered artifact '${artifact}' (relpath + md5 of each) against dvc.lock's ${model.md5} for directory ${model.path}`
    } else {
      const base = path.posix.basename(model.path)
      const candidates =
        tree.length === 0 ? [''] : tree.filter(rel => path.posix.basename(rel) === base)
      if (candidates.length !== 1) {
        result.problems.push(
          candidates.length === 0
            ? `the registered artifact '${artifact}' is a directory with no file named ${base}; it does not contain the DVC model ${model.path}`
            : `the registered artifact '${artifact}' holds ${candidates.length} files named ${base} (${candidates.join(', ')}); cannot tell which is the DVC model`
        )
        return result
      }
      const target = candidates[0] ? `${artifact}/${candidates[0]}` : artifact
      result.artifactMd5 = model.legacy
        ? await digestLegacy(client, target)
        : await client.downloadProxiedArtifact(target, digestStream)
      result.artifactCompared = candidates[0]
        ? `file '${candidates[0]}' inside the registered artifact directory '${artifact}' against dvc.lock's md5 of ${model.path}`
        : `the registered artifact file '${artifact}' against dvc.lock's md5 of ${model.path}`
    }
    if (result.artifactMd5 !== model.md5) {
      result.problems.push(
        `the MLflow artifact does not match dvc.lock: compared ${result.artifactCompared}; MLflow ${result.artifactMd5}, dvc.lock ${model.md5}`
      )
    }
  }
  return result
}
