import path from 'node:path'
import type { Logger } from '../core/logger.js'
import type { GitRunner } from '../git/git.js'
import { checkGit } from './git-checks.js'
import { checkMlflowLink, type LineageMlflow, type MlflowLinkResult } from './mlflow-link.js'
import { findModelPath, linkModel, type ModelLink } from './model-link.js'
import { guardPath, guardRoot } from '../files/paths.js'
import { statusKey } from './stage-status.js'
import { reportJson, summaryMarkdown } from './summary.js'
import { loadProject, verifyLineage, type MissingData } from './verify.js'
import { FieldError } from '../core/errors.js'

export interface LineageCheckOptions {
  root: string
  /** dvc.lock's path relative to the repository, for annotations. */
  lockDisplay: string
  missingData: MissingData
  allowExternal: boolean
  requireCleanGit: boolean
  modelPath?: string | undefined
  mlflow?:
    | {
        client: LineageMlflow
        modelName?: string
        version?: string
        runId?: string
        verifyArtifact: boolean
        /** The environment the store readers read (AWS_*, GOOGLE_*, AZURE_*, MLFLOW_S3_*). */
        env?: NodeJS.ProcessEnv
      }
    | undefined
  git: GitRunner
  logger: Logger
}

export interface LineageCheckOutcome {
  verified: boolean
  problems: string[]
  reportJson: string
  summary: string
  lockSha256: string
  gitCommit: string
  modelPath: string
  modelMd5: string
  stagesChecked: number
}

/** Everything lineage-check verifies, composed: workspace vs lock, git, model link, MLflow. */
export async function runLineageCheck(options: LineageCheckOptions): Promise<LineageCheckOutcome> {
  const { root, logger } = options
  // Since process start: includes Node's and the bundle's start-up.
  logger.debug(`lineage-check: started at ${performance.now().toFixed(0)} ms`)
  const loaded = await loadProject(root, { allowExternal: options.allowExternal })
  if (options.modelPath) {
    const safe = guardPath(guardRoot(root), options.modelPath, { allowExternal: false })
    if (!safe.ok)
      throw new FieldError(
        'model-path',
        `is '${options.modelPath}', which is outside the DVC project; give a path relative to 'working-directory'`
      )
  }
  const model = findModelPath(loaded.artifacts, options.modelPath)

  // Every file the lineage is written in must be committed: dvc.yaml and dvc.lock of each
  // pipeline, each .dvc file, and the params files.
  const paramFiles = new Set<string>(loaded.files.map(f => f.path))
  const deps = new Set<string>()
  for (const { stage } of loaded.units) {
    // Paths outside the project are refused entries already; git cannot be asked about them.
    const inProject = (key: string): boolean =>
      key !== '..' && !key.startsWith('../') && !path.posix.isAbsolute(key)
    for (const p of stage.params) {
      const key = statusKey(stage.wdir, p.file)
      if (inProject(key)) paramFiles.add(key)
    }
    for (const d of stage.deps) {
      const key = statusKey(stage.wdir, d)
      if (inProject(key)) deps.add(key)
    }
  }
  // git runs in its own processes: let it work while the workers hash.
  const timed = <T>(label: string, work: Promise<T>): Promise<T> => {
    const started = performance.now()
    return work.finally(() =>
      logger.debug(`lineage-check: ${label} took ${(performance.now() - started).toFixed(0)} ms`)
    )
  }
  const [report, git] = await Promise.all([
    timed(
      'data verification',
      verifyLineage(
        { root, missingData: options.missingData, allowExternal: options.allowExternal, logger },
        loaded
      )
    ),
    timed(
      'git checks',
      checkGit(options.git, root, [...paramFiles], [...deps], options.requireCleanGit)
    )
  ])
  const link: ModelLink | undefined = model
    ? linkModel(loaded.units, report.stages, model)
    : undefined

  let mlflow: MlflowLinkResult | undefined
  if (options.mlflow) {
    mlflow = await checkMlflowLink({
      client: options.mlflow.client,
      git: options.git,
      root,
      gitPrefix: git.prefix,
      head: git.head,
      lineageFiles: loaded.files.map(f => f.path),
      model: link,
      ...(options.mlflow.modelName ? { modelName: options.mlflow.modelName } : {}),
      ...(options.mlflow.version ? { version: options.mlflow.version } : {}),
      ...(options.mlflow.runId ? { runId: options.mlflow.runId } : {}),
      verifyArtifact: options.mlflow.verifyArtifact,
      ...(options.mlflow.env ? { env: options.mlflow.env } : {}),
      logger
    })
  }
  // Problems name their file relative to the project root (dvc.lock, sub/dvc.lock, x.dvc);
  // annotations need it relative to the workspace, where the root dvc.lock is lockDisplay.
  const rootDisplay = path.posix.dirname(options.lockDisplay)
  for (const p of report.problems) {
    const file = p.file ? path.posix.join(rootDisplay, p.file) : options.lockDisplay
    logger.error?.(p.message, { file, ...(p.line ? { line: p.line } : {}) })
  }
  const other = [...(link?.problems ?? []), ...git.problems, ...(mlflow?.problems ?? [])]
  for (const message of other) logger.error?.(message)
  for (const warning of report.warnings) logger.warning(warning)
  for (const r of report.refused) logger.warning(`refused ${r.path}: ${r.reason}`)
  const problems = [...report.problems.map(p => p.message), ...other]
  const verified = problems.length === 0
  const final = {
    ...report,
    verified,
    problems: [...report.problems, ...other.map(message => ({ message }))]
  }
  return {
    verified,
    problems,
    reportJson: reportJson(final, link, mlflow),
    summary: summaryMarkdown(final, link, mlflow),
    lockSha256: report.lockSha256,
    gitCommit: git.head,
    modelPath: link?.path ?? '',
    modelMd5: link?.md5 ?? '',
    stagesChecked: report.stages.length
  }
}
