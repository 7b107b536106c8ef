import path from 'node:path'
import { ActionError } from '../core/errors.js'
import type { MlflowClient, ModelVersion } from '../mlflow/index.js'
import { terminalSafeText } from './text.js'
import { isPlainSegment } from '../core/text-safety.js'

/** The MLflow operations a verified download needs; MlflowClient provides them. */
export type ArtifactClient = Pick<
  MlflowClient,
  'getRun' | 'getLoggedModel' | 'listProxiedArtifacts' | 'downloadProxiedArtifact'
>

/** Bounds on what a server may make a download fetch; the defaults fit any real model. */
export interface TreeLimits {
  maxFiles: number
  /**
   * Directories listed, the root included: each costs a request, and a server that keeps answering
   * with new empty directories would otherwise keep the download listing (width × depth) forever.
   */
  maxDirectories: number
  maxDepth: number
  /** All files together, bytes (MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB, also the per-file cap). */
  maxTotalBytes: number
}

export const DEFAULT_TREE_LIMITS: TreeLimits = {
  maxFiles: 20_000,
  maxDirectories: 5_000,
  maxDepth: 32,
  maxTotalBytes: 10 * 1024 * 1024 * 1024
}

/** One file to fetch: its path under the artifact root (relpath), and the size listed for it. */
export interface TreeFile {
  relpath: string
  size: number | undefined
}

/** A version's artifact: one file, or a directory of files (empty directories vanish, as in DVC). */
export type ArtifactTree =
  | { kind: 'file'; root: string; name: string; size: number | undefined }
  | { kind: 'dir'; root: string; files: TreeFile[] }

const PROXY = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/
const RUNS = /^runs:\/([^/]+)\/?(.*)$/
const LOGGED_MODEL = /^models:\/(m-[^/]+)\/?$/

/** Never print a credential an artifact URI may carry (scheme://user:pass@host). */
const withoutUserinfo = (uri: string): string => uri.replace(/\/\/[^/@]*@/, '//')

/** One path segment as the server names it: refused unless it is a plain name. */
export const safeSegment = isPlainSegment

/** A relative path from the server: refused when absolute, climbing (`..`), empty or odd. */
export function safeRelpath(relpath: string): boolean {
  return relpath.length <= 4096 && relpath.split('/').every(safeSegment)
}

function untrusted(what: string): ActionError {
  return new ActionError(
    `The tracking server's answer is refused: ${terminalSafeText(what)}; nothing was downloaded. Check the server and any proxy in front of it`
  )
}

/**
 * Where a version's files are, as a path inside the tracking server's artifact proxy: its
 * `source` as MLflow stores it. `runs:/<run>/<path>` is the run's artifact root plus the path;
 * `models:/m-<id>` (an MLflow 3 logged model) is the logged model's artifact root;
 * `mlflow-artifacts:/<path>` is the path itself. Any other place (s3://, a local path, another
 * registered model) cannot be fetched through the tracking server and is refused.
 */
export async function artifactRoot(client: ArtifactClient, mv: ModelVersion): Promise<string> {
  let uri = (mv.source ?? '').trim()
  const runs = RUNS.exec(uri)
  if (runs) {
    const run = await client.getRun(runs[1]!)
    uri = `${(run.info.artifact_uri ?? '').replace(/\/+$/, '')}/${runs[2] ?? ''}`
  } else {
    const logged = LOGGED_MODEL.exec(uri)
    if (logged) uri = (await client.getLoggedModel(logged[1]!)).info.artifact_uri ?? ''
  }
  const proxied = PROXY.exec(uri)
  const where = proxied?.[1]?.replace(/\/+$/, '') ?? ''
  if (!proxied || where === '') {
    throw new ActionError(
      `Version ${mv.version} of '${mv.name}' has its files at '${terminalSafeText(withoutUserinfo(uri || '(no source)'))}', which is not served through the tracking server's artifact proxy (mlflow-artifacts:); ` +
        'run the server with --serve-artifacts and register versions from runs:/ or models:/m-<id> sources, or fetch the files some other way'
    )
  }
  if (!safeRelpath(where)) throw untrusted(`the artifact location '${where}' is not a plain path`)
  return where
}

/** The last segment of a listed path, which must name an entry of `dir` and nothing else. */
function listedName(dir: string, listed: string): string {
  const name = listed.startsWith(`${dir}/`) ? listed.slice(dir.length + 1) : listed
  if (!safeSegment(name))
    throw untrusted(`listing '${dir}' names '${listed}', which is not a plain entry of it`)
  return name
}

/**
 * Lists what a download will fetch, before any byte is fetched: the root as one file, or every
 * file under it (one listing per directory). Every name is checked (no `..`, no absolute path,
 * no control characters, no duplicates) and the counts of files and directories, the depth and
 * the listed sizes are capped.
 */
export async function listArtifactTree(
  client: ArtifactClient,
  root: string,
  limits: TreeLimits = DEFAULT_TREE_LIMITS
): Promise<ArtifactTree> {
  const top = await client.listProxiedArtifacts(root)
  if (top.length === 0) {
    const parent = path.posix.dirname(root)
    const base = path.posix.basename(root)
    const siblings = await client.listProxiedArtifacts(parent === '.' ? '' : parent)
    const self = siblings.find(s => s.path === base || s.path === root)
    if (!self) {
      throw new ActionError(
        `The version's artifact '${terminalSafeText(root)}' does not exist in the tracking server's artifact store (it may have been deleted); nothing was downloaded`
      )
    }
    if (!self.is_dir) return { kind: 'file', root, name: base, size: self.file_size }
    return { kind: 'dir', root, files: [] }
  }
  const files: TreeFile[] = []
  let total = 0
  let directories = 1
  const walk = async (rel: string, listing: typeof top, depth: number): Promise<void> => {
    if (depth > limits.maxDepth)
      throw untrusted(`the artifact tree is deeper than ${limits.maxDepth} levels`)
    const dir = rel ? `${root}/${rel}` : root
    const seen = new Set<string>()
    for (const item of listing) {
      const name = listedName(dir, item.path)
      if (seen.has(name)) throw untrusted(`listing '${dir}' names '${name}' twice`)
      seen.add(name)
      const relpath = rel ? `${rel}/${name}` : name
      if (item.is_dir) {
        // Counted before the request, so a hostile listing costs at most maxDirectories requests.
        if (++directories > limits.maxDirectories)
          throw untrusted(`the artifact holds more than ${limits.maxDirectories} directories`)
        await walk(relpath, await client.listProxiedArtifacts(`${root}/${relpath}`), depth + 1)
        continue
      }
      const size = Number.isFinite(item.file_size) ? item.file_size : undefined
      if (size !== undefined && size < 0) throw untrusted(`'${relpath}' has a negative size`)
      total += size ?? 0
      if (total > limits.maxTotalBytes) {
        throw new ActionError(
          `The artifact is larger than ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MiB; raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB if the model really is that large. Nothing was downloaded`
        )
      }
      files.push({ relpath, size })
      if (files.length > limits.maxFiles)
        throw untrusted(`the artifact holds more than ${limits.maxFiles} files`)
    }
  }
  await walk('', top, 1)
  return { kind: 'dir', root, files }
}
