import path from 'node:path'
import type { ArtifactFile, ArtifactReader } from '../artifacts/types.js'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GitRunner } from '../git/git.js'
import type { ModelVersion, Run } from '../mlflow/index.js'
import { displayUri, roomReaderFactory, type ArtifactReaderFactory } from './artifact-access.js'
import { EmptyArtifactError } from '../artifacts/listing.js'
import { locateArtifact } from '../artifacts/locate.js'
import type { LineageMlflow } from './lineage-mlflow.js'
import { storedMd5 } from './artifact-md5.js'
import { commitMatches } from './git-checks.js'
import { levelOf, type LevelEvidence, type LineageLevel } from './lineage-level.js'
import { manifestHash, type ManifestEntry } from './manifest.js'
import type { ModelLink } from './model-link.js'
import { firstLockCommit } from './locate-commit.js'
import { reproDiff, type DiffFile, type PipelineIndex } from './repro-diff.js'

/** The MLflow operations the model link needs; MlflowClient provides them. */
export type { LineageMlflow } from './lineage-mlflow.js'

export interface MlflowLinkResult {
  runId: string
  /** The commit the run recorded (mlflow.source.git.commit). */
  commit?: string
  /** How the run's commit relates to the lineage commit. */
  commitCheck?: string
  /** The commit the lineage was checked at (HEAD of the checkout). */
  lineageCommit: string
  /** Level 3 across commits: the commits after the run's and the files between them. */
  between?: { commits: string[]; files: DiffFile[] }
  level: LineageLevel
  evidence: LevelEvidence
  artifactCompared?: string
  artifactMd5?: string
  /** Level 2: the run's logged file whose md5 is the DVC output's. */
  loggedFile?: string
  problems: string[]
}

/** Downloads a level-2 search may make: a run logs a handful of files next to its model. */
const MAX_LOGGED_DOWNLOADS = 20
const COMMIT_TAG = 'mlflow.source.git.commit'

/**
 * Where the registered version's files are, as MLflow's client resolves its source (the
 * artifacts room: logged models of a run included); a run's own files when there is no version.
 */
async function versionUri(
  client: LineageMlflow,
  version: ModelVersion | undefined,
  run: Run
): Promise<string> {
  if (!version) return run.info.artifact_uri ?? ''
  return (await locateArtifact(client, version)).uri
}

/** Level 1: the registered files are the DVC output's bytes (a file, or a `.dir` manifest). */
async function compareArtifact(
  reader: ArtifactReader,
  model: ModelLink & { md5: string },
  verifyAll: boolean
): Promise<{ ok: boolean; detail: string; compared?: string; md5?: string }> {
  const shown = displayUri(reader.location.uri)
  const listing = await reader.list()
  if (model.md5.endsWith('.dir')) {
    if (model.legacy)
      return {
        ok: false,
        detail: `model ${model.path} has a legacy (DVC 2) .dir entry; re-run \`dvc repro\` (or \`dvc cache migrate --dvc-files\`) before comparing it with MLflow`
      }
    if (!verifyAll)
      return {
        ok: false,
        detail: `the registered folder '${shown}' was not downloaded (verify-mlflow-artifact is false; a directory model is compared file by file)`
      }
    const entries: ManifestEntry[] = []
    for (const file of listing.files)
      entries.push({ relpath: file.relpath, md5: await storedMd5(reader, file, false) })
    const md5 = manifestHash(entries)
    const compared = `the .dir manifest of all ${entries.length} files under the registered artifact '${shown}' (relpath + md5 of each) against dvc.lock's ${model.md5} for directory ${model.path}`
    return md5 === model.md5
      ? { ok: true, detail: compared, compared, md5 }
      : {
          ok: false,
          detail: `the MLflow artifact does not match dvc.lock: compared ${compared}; MLflow ${md5}, dvc.lock ${model.md5}`,
          compared,
          md5
        }
  }
  const base = path.posix.basename(model.path)
  const candidates =
    listing.kind === 'file'
      ? listing.files
      : listing.files.filter(f => path.posix.basename(f.relpath) === base)
  if (candidates.length !== 1)
    return {
      ok: false,
      detail:
        candidates.length === 0
          ? `the registered artifact '${shown}' is a directory with no file named ${base} (it holds ${listing.files
              .slice(0, 6)
              .map(f => f.relpath)
              .join(
                ', '
              )}${listing.files.length > 6 ? ', …' : ''}); it does not contain the DVC model ${model.path}`
          : `the registered artifact '${shown}' holds ${candidates.length} files named ${base} (${candidates.map(c => c.relpath).join(', ')}); cannot tell which is the DVC model`
    }
  const file = candidates[0]!
  const md5 = await storedMd5(reader, file, model.legacy)
  const compared =
    listing.kind === 'dir'
      ? `file '${file.relpath}' inside the registered artifact directory '${shown}' against dvc.lock's md5 of ${model.path}`
      : `the registered artifact file '${shown}' against dvc.lock's md5 of ${model.path}`
  return md5 === model.md5
    ? { ok: true, detail: compared, compared, md5 }
    : {
        ok: false,
        detail: `the MLflow artifact does not match dvc.lock: compared ${compared}; MLflow ${md5}, dvc.lock ${model.md5}`,
        compared,
        md5
      }
}

/** Level 2: among the files the run logged, one (or a folder) with the DVC output's md5. */
async function findLoggedFile(
  reader: ArtifactReader,
  model: ModelLink & { md5: string }
): Promise<{ ok: boolean; detail: string; path?: string }> {
  const shown = displayUri(reader.location.uri)
  let files: ArtifactFile[] = []
  try {
    const listing = await reader.list()
    files = listing.kind === 'dir' ? listing.files : []
  } catch (error) {
    // A run whose folder holds nothing logged nothing (MLflow 3's log_model writes elsewhere).
    if (!(error instanceof EmptyArtifactError)) throw error
  }
  if (files.length === 0)
    return {
      ok: false,
      detail: `the run logged no files of its own under '${shown}' (MLflow 3's log_model stores the model under a logged model, not the run), so none can be compared with dvc.lock's ${model.md5} for ${model.path}`
    }
  if (model.md5.endsWith('.dir')) {
    // Every folder the run logged (and its root) is a candidate for the DVC output folder.
    const folders = new Set<string>([''])
    for (const f of files) {
      let dir = path.posix.dirname(f.relpath)
      while (dir !== '.') {
        folders.add(dir)
        dir = path.posix.dirname(dir)
      }
    }
    if (files.length > MAX_LOGGED_DOWNLOADS * 50)
      return { ok: false, detail: `the run logged ${files.length} files; too many to compare` }
    const md5s = new Map<string, string>()
    for (const f of files) md5s.set(f.relpath, await storedMd5(reader, f, false))
    for (const folder of folders) {
      const entries = files
        .filter(f => folder === '' || f.relpath.startsWith(`${folder}/`))
        .map(f => ({
          relpath: folder === '' ? f.relpath : f.relpath.slice(folder.length + 1),
          md5: md5s.get(f.relpath)!
        }))
      if (manifestHash(entries) === model.md5)
        return {
          ok: true,
          path: folder || '.',
          detail: `the run logged folder '${folder || '.'}' whose .dir manifest is dvc.lock's ${model.md5} for ${model.path}`
        }
    }
    return {
      ok: false,
      detail: `no folder among the run's ${files.length} logged file(s) under '${shown}' has dvc.lock's .dir manifest ${model.md5} for ${model.path}`
    }
  }
  const size = model.size
  const base = path.posix.basename(model.path)
  const candidates = files
    .filter(f => size === undefined || f.size === undefined || f.size === size)
    .sort(
      (a, b) =>
        Number(path.posix.basename(b.relpath) === base) -
        Number(path.posix.basename(a.relpath) === base)
    )
  for (const file of candidates.slice(0, MAX_LOGGED_DOWNLOADS)) {
    if ((await storedMd5(reader, file, model.legacy)) === model.md5)
      return {
        ok: true,
        path: file.relpath,
        detail: `the run logged '${file.relpath}', whose md5 is dvc.lock's ${model.md5} for ${model.path}`
      }
  }
  return {
    ok: false,
    detail: `none of the ${files.length} file(s) the run logged under '${shown}' (${files
      .slice(0, 6)
      .map(f => f.relpath)
      .join(
        ', '
      )}${files.length > 6 ? ', …' : ''}) has dvc.lock's md5 ${model.md5} for ${model.path}`
  }
}

/** Level 3: the run's commit is the checkout's, or an ancestor that differs only in what dvc repro writes. */
async function linkCommit(options: {
  git: GitRunner
  root: string
  gitPrefix: string
  head: string
  runId: string
  commit: string | undefined
  index: PipelineIndex | undefined
  lineageFiles: string[] | undefined
}): Promise<{ ok: boolean; detail: string; between?: { commits: string[]; files: DiffFile[] } }> {
  const { git, root, head, commit, runId } = options
  if (!commit)
    return {
      ok: false,
      detail: `run ${runId} has no ${COMMIT_TAG} tag, so it cannot be tied to this commit; log the run from a git checkout (MLflow sets the tag) or set it explicitly`
    }
  if (!head)
    return {
      ok: false,
      detail: `run ${runId} was logged at ${commit}, but the workspace has no git HEAD to compare with`
    }
  if (commit === head) return { ok: true, detail: 'equals HEAD' }
  const exists = await git.run(['cat-file', '-e', `${commit}^{commit}`], {
    cwd: root,
    allowFailure: true
  })
  if (exists.code !== 0)
    return {
      ok: false,
      detail: `run ${runId} was logged at commit ${commit}, not this pipeline's commit: commit ${commit} is not in this clone; fetch full history (actions/checkout fetch-depth: 0) or check the run's ${COMMIT_TAG} tag`
    }
  const short = commit.slice(0, 12)
  const ancestor = await git.run(['merge-base', '--is-ancestor', commit, head], {
    cwd: root,
    allowFailure: true
  })
  if (ancestor.code !== 0)
    return {
      ok: false,
      detail: `run ${runId} was logged at commit ${commit}, not this pipeline's commit: ${short} is not an ancestor of HEAD ${head.slice(0, 12)}`
    }
  // The lock of the run's `dvc repro` is in the first descendant that adds one (or in the run's
  // own commit). Checked there, the files between must be what dvc repro writes, and inputs
  // changed between must match HEAD's dvc.lock.
  const lock = await firstLockCommit(git, root, commit, head)
  if (lock.commit === head && options.index) {
    const diff = await reproDiff(git, root, commit, head, options.index)
    const between = { commits: diff.commits, files: diff.files }
    if (diff.ok)
      return {
        ok: true,
        detail: `recorded at ${short}, an ancestor of the lineage commit ${head.slice(0, 12)} that differs from it only in what dvc repro writes (${diff.files.map(f => `${f.path}: ${f.why}`).join('; ') || 'no files'})`,
        between
      }
    return {
      ok: false,
      detail: `run ${runId} was logged at commit ${commit}, not this pipeline's commit: between ${short} and HEAD ${diff.files
        .filter(f => !f.ok)
        .map(f => `${f.path} changed (${f.why})`)
        .join('; ')}`,
      between
    }
  }
  // A later commit that left every lineage file as it was at the lock's commit (a docs-only
  // commit after it): the pipeline the run came from is this one.
  const same = await commitMatches(
    git,
    root,
    options.gitPrefix,
    head,
    lock.commit,
    ...(options.lineageFiles ? [options.lineageFiles] : [])
  )
  const where =
    lock.commit === commit
      ? `its own commit ${short} holds its lock${lock.stop}`
      : `the lock of its dvc repro is in ${lock.commit.slice(0, 12)}`
  if (same.ok)
    return {
      ok: true,
      detail: `recorded at ${short}; ${where}; ${same.reason}`,
      ...(lock.diff ? { between: { commits: lock.diff.commits, files: lock.diff.files } } : {})
    }
  return {
    ok: false,
    detail: `run ${runId} was logged at commit ${commit}, not this pipeline's commit: ${same.reason} (${where}; check the version at that commit: lineage-check mode find-lineage-commit finds it)`
  }
}

/**
 * The verdict's level (lineage-level.ts): each link from the registered version to the DVC
 * pipeline, strongest first. With verify-mlflow-artifact, level 1 is required and its
 * failure is a problem; the policy's minimum level is judged by the caller.
 */
export async function checkMlflowLink(options: {
  client: LineageMlflow
  git: GitRunner
  root: string
  gitPrefix: string
  head: string
  /** Every dvc.yaml, dvc.lock and .dvc file, relative to the project root. */
  lineageFiles?: string[]
  /** What dvc repro writes at HEAD, and whether HEAD's inputs match dvc.lock (level 3). */
  index?: PipelineIndex
  model: ModelLink | undefined
  modelName?: string
  version?: string
  runId?: string
  verifyArtifact: boolean
  /** Readers per store; defaults to the artifacts room's (the proxy, S3, GCS, Azure Blob). */
  readers?: ArtifactReaderFactory
  /** The environment the store readers read (AWS_*, GOOGLE_*, AZURE_*, MLFLOW_S3_*). */
  env?: NodeJS.ProcessEnv
  logger: Logger
}): Promise<MlflowLinkResult> {
  const { client } = options
  const readers = options.readers ?? roomReaderFactory(client, options.env ?? process.env)
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
  const commit = run.data.tags.find(t => t.key === COMMIT_TAG)?.value
  const problems: string[] = []

  const commitLink = await linkCommit({
    git: options.git,
    root: options.root,
    gitPrefix: options.gitPrefix,
    head: options.head,
    runId,
    commit,
    index: options.index,
    lineageFiles: options.lineageFiles
  })

  const model = options.model?.md5 ? (options.model as ModelLink & { md5: string }) : undefined
  const noModel =
    'no model with a dvc.lock hash was found; set model-path or add a dvc.yaml artifact of type model'
  /** A level that needs the bytes: its reader, or why there is none. */
  const attempt = async <T extends { ok: boolean; detail: string }>(
    uri: string,
    what: string,
    work: (reader: ArtifactReader) => Promise<T>
  ): Promise<T | { ok: false; detail: string }> => {
    if (!model) return { ok: false, detail: noModel }
    const reader = uri ? await readers(uri) : undefined
    if (!reader)
      return {
        ok: false,
        detail: `${what} at '${displayUri(uri || '(none)')}' is in a store lineage-check cannot read (no reader for it; the tracking server's proxy, mlflow-artifacts:, is read)`
      }
    try {
      return await work(reader)
    } catch (error) {
      return {
        ok: false,
        detail: `${what} at '${displayUri(uri)}' could not be read: ${(error as Error).message}`
      }
    }
  }
  let artifactCompared: string | undefined
  let artifactMd5: string | undefined
  const artifact = await attempt(
    await versionUri(client, version, run),
    "the registered version's files",
    async reader => {
      const r = await compareArtifact(reader, model!, options.verifyArtifact)
      artifactCompared = r.compared
      artifactMd5 = r.md5
      return r
    }
  )
  const loggedFile: LevelEvidence['loggedFile'] = artifact.ok
    ? { ok: false, detail: 'not needed: level 1 was reached' }
    : await attempt(run.info.artifact_uri ?? '', "the run's own artifacts", reader =>
        findLoggedFile(reader, model!)
      )
  const evidence: LevelEvidence = {
    artifact: { ok: artifact.ok, detail: artifact.detail },
    loggedFile,
    commit: { ok: commitLink.ok, detail: commitLink.detail }
  }
  // Level 1 not reached is no failure of its own: log_model serialises the model again, so the
  // seed's flow never reaches it. The stage's minimum level decides (lineage-check.ts); only a
  // model that cannot be found at all is a problem when the bytes were asked for.
  if (options.verifyArtifact && !model)
    problems.push(`verify-mlflow-artifact is true, but ${noModel}`)
  const result: MlflowLinkResult = {
    runId,
    lineageCommit: options.head,
    level: levelOf(evidence),
    evidence,
    problems
  }
  if (commit) result.commit = commit
  if (commit) result.commitCheck = commitLink.detail
  if (commitLink.between) result.between = commitLink.between
  if (artifactCompared) result.artifactCompared = artifactCompared
  if (artifactMd5) result.artifactMd5 = artifactMd5
  if ('path' in loggedFile && loggedFile.path) result.loggedFile = loggedFile.path
  return result
}
