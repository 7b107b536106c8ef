import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as crypto from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GitRunner } from '../git/git.js'
import {
  listingLimitsFromEnv,
  locateArtifact,
  locateUri,
  openReader,
  type ArtifactFile,
  type ArtifactListing,
  type ArtifactReader,
  type LocateClient,
  type ProxyClient
} from '../artifacts/index.js'
import type { ModelVersion, Run } from '../mlflow/index.js'
import { commitMatches } from './git-checks.js'
import { hashFilesSync } from './hash-file.js'
import { manifestHash, type ManifestEntry } from './manifest.js'
import type { ModelLink } from './model-link.js'

/** The MLflow operations the model link needs; MlflowClient provides them. */
export type LineageMlflow = LocateClient &
  ProxyClient & {
    getModelVersion(name: string, version: string): Promise<ModelVersion>
  }

export interface MlflowLinkResult {
  runId: string
  commit?: string
  commitCheck?: string
  artifactCompared?: string
  artifactMd5?: string
  problems: string[]
}

/**
 * Where the registered model's files are, found as MLflow's client finds them (src/artifacts):
 * a version's download URI (runs:/ with MLflow 3's logged models, models:/, a store URI), or,
 * with a run only, the run's artifact root. Read from whatever store holds them.
 */
async function openArtifact(
  client: LineageMlflow,
  version: ModelVersion | undefined,
  run: Run,
  env: NodeJS.ProcessEnv
): Promise<{ reader: ArtifactReader; listing: ArtifactListing }> {
  const location = version
    ? await locateArtifact(client, version)
    : await locateUri(client, run.info.artifact_uri ?? '', [`run ${run.info.run_id}`])
  const reader = await openReader(location, { mlflow: client, env })
  return { reader, listing: await reader.list(listingLimitsFromEnv(env)) }
}

async function digestStream(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of body) hash.update(chunk)
  return hash.digest('hex')
}

/** Legacy entries need DVC's chunked dos2unix rule: stream to a temp file (outside the workspace), hash it, delete it. */
async function digestLegacy(reader: ArtifactReader, file: ArtifactFile): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lineage-artifact-'))
  try {
    const local = path.join(dir, 'artifact')
    await reader.read(file, async body => {
      const out = fs.createWriteStream(local)
      for await (const chunk of body)
        if (!out.write(chunk)) await new Promise<void>(r => out.once('drain', () => r()))
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve()))
      )
    })
    const [result] = hashFilesSync({ fs, crypto }, [{ path: local, mode: 'legacy' }])
    if (!result || 'error' in result)
      throw new Error(`could not hash the downloaded artifact ${file.relpath}`)
    return result.md5
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
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
  /** The environment the store readers read (the variables MLflow's client reads for each store). */
  env?: NodeJS.ProcessEnv
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
    const { reader, listing } = await openArtifact(client, version, run, options.env ?? {})
    const artifact = listing.location.uri
    if (model.md5.endsWith('.dir')) {
      if (model.legacy) {
        result.problems.push(
          `model ${model.path} has a legacy (DVC 2) .dir entry; re-run \`dvc repro\` (or \`dvc cache migrate --dvc-files\`) before comparing it with MLflow`
        )
        return result
      }
      const entries: ManifestEntry[] = []
      for (const file of listing.files)
        entries.push({ relpath: file.relpath, md5: await reader.read(file, digestStream) })
      result.artifactMd5 = manifestHash(entries)
      result.artifactCompared = `the .dir manifest of all ${entries.length} files under the registered artifact '${artifact}' (relpath + md5 of each) against dvc.lock's ${model.md5} for directory ${model.path}`
    } else {
      const base = path.posix.basename(model.path)
      // The same listing resolve reads: one file, or the folder's file named as the DVC output.
      const candidates =
        listing.kind === 'file'
          ? listing.files
          : listing.files.filter(f => path.posix.basename(f.relpath) === base)
      if (candidates.length !== 1) {
        result.problems.push(
          candidates.length === 0
            ? `the registered artifact '${artifact}' is a directory with no file named ${base}; it does not contain the DVC model ${model.path}`
            : `the registered artifact '${artifact}' holds ${candidates.length} files named ${base} (${candidates.map(f => f.relpath).join(', ')}); cannot tell which is the DVC model`
        )
        return result
      }
      const target = candidates[0]!
      result.artifactMd5 = model.legacy
        ? await digestLegacy(reader, target)
        : await reader.read(target, digestStream)
      result.artifactCompared =
        listing.kind === 'dir'
          ? `file '${target.relpath}' inside the registered artifact directory '${artifact}' against dvc.lock's md5 of ${model.path}`
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
