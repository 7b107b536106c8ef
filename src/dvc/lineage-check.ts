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
import type { ArtifactReaderFactory } from './artifact-access.js'
import {
  DEFAULT_MIN_LEVEL,
  levelLabel,
  missing,
  nextStep,
  type LineageLevel
} from './lineage-level.js'
import type { PipelineIndex } from './repro-diff.js'
import type { LineageReport } from './report-types.js'
import type { StageUnit } from './collect.js'

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
        /** Readers per artifact store; defaults to the tracking server's proxy. */
        readers?: ArtifactReaderFactory
      }
    | undefined
  /**
   * The weakest level (lineage-level.ts) the target stage accepts, from the policy; applies when
   * a version or run is named. `source` names where it came from for the message.
   */
  minLevel?: { level: LineageLevel; source: string } | undefined
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
  /** The verdict's level (4 when no version or run was named: nothing linked). */
  level: LineageLevel
  /** The commit the lineage was checked at (HEAD of the checkout). */
  lineageCommit: string
  /** The commit the version's run recorded, when known. */
  runCommit: string
}

/**
 * What `dvc repro` writes at HEAD and whether each input matches dvc.lock there, from the
 * verification just made: the level-3 link across commits reads it.
 */
function pipelineIndex(units: StageUnit[], report: LineageReport): PipelineIndex {
  const outs: string[] = []
  const states = new Map<string, string[]>()
  units.forEach((unit, i) => {
    const { stage } = unit
    for (const o of stage.outs) outs.push(statusKey(stage.wdir, o.path))
    for (const e of report.stages[i]?.entries ?? []) {
      if (e.kind === 'out') continue
      const key = statusKey(stage.wdir, e.path)
      states.set(key, [...(states.get(key) ?? []), e.status])
    }
    for (const d of stage.deps) {
      const key = statusKey(stage.wdir, d)
      if (!states.has(key)) states.set(key, [])
    }
  })
  return {
    outs,
    inputs: [...states.keys()],
    matches: key => {
      const found = states.get(key) ?? []
      const bad = found.filter(s => s !== 'unchanged')
      return found.length > 0 && bad.length === 0
        ? { ok: true, detail: 'unchanged' }
        : { ok: false, detail: bad.join(', ') || 'not checked' }
    }
  }
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
  const minimum = options.minLevel ?? {
    level: DEFAULT_MIN_LEVEL,
    source: 'the default; set lineage: { min_level: N } in the policy to change it'
  }
  if (options.mlflow) {
    mlflow = await checkMlflowLink({
      client: options.mlflow.client,
      git: options.git,
      root,
      gitPrefix: git.prefix,
      head: git.head,
      lineageFiles: loaded.files.map(f => f.path),
      index: pipelineIndex(loaded.units, report),
      model: link,
      ...(options.mlflow.modelName ? { modelName: options.mlflow.modelName } : {}),
      ...(options.mlflow.version ? { version: options.mlflow.version } : {}),
      ...(options.mlflow.runId ? { runId: options.mlflow.runId } : {}),
      verifyArtifact: options.mlflow.verifyArtifact,
      ...(options.mlflow.env ? { env: options.mlflow.env } : {}),
      ...(options.mlflow.readers ? { readers: options.mlflow.readers } : {}),
      logger
    })
    // Without a policy's word, the default: what the seed's flow reaches.
    const min = minimum
    // Higher numbers are weaker: a level above the minimum's number did not prove enough.
    if (mlflow.level > min.level) {
      const reached = mlflow.level
      mlflow.problems.push(
        `lineage ${levelLabel(reached)} is below the minimum level ${min.level} (${min.source}). Missing for level ${reached - 1}: ${missing(reached, mlflow.evidence)}. Smallest change to the training code: ${nextStep(reached, link)}`
      )
    }
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
    reportJson: reportJson(final, link, mlflow, mlflow ? minimum : undefined),
    summary: summaryMarkdown(final, link, mlflow, mlflow ? minimum : undefined),
    lockSha256: report.lockSha256,
    gitCommit: git.head,
    modelPath: link?.path ?? '',
    modelMd5: link?.md5 ?? '',
    stagesChecked: report.stages.length,
    level: mlflow?.level ?? 4,
    lineageCommit: git.head,
    runCommit: mlflow?.commit ?? ''
  }
}
