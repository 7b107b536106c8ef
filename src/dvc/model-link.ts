import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { DvcProject } from './project.js'
import type { EntryReport, StageReport } from './report-types.js'
import type { LockFile } from './schema.js'
import { statusKey } from './stage-status.js'

export interface ModelLink {
  /** Relative to the DVC project root, as DVC's status keys are. */
  path: string
  /** Where it came from: the input or the dvc.yaml artifact name. */
  source: string
  stage?: string
  /** What dvc.lock records for it (md5, or `<md5>.dir` for a directory). */
  md5?: string
  legacy: boolean
  entry?: EntryReport
  problems: string[]
}

/** The model artifact: `model-path`, else the single `artifacts:` entry with `type: model`. */
export function findModelPath(
  project: DvcProject,
  modelPath: string | undefined
): { path: string; source: string } | undefined {
  if (modelPath)
    return {
      path: path.posix.normalize(modelPath.replace(/\\/g, '/')),
      source: "'model-path'"
    }
  const models = project.artifacts.filter(a => a.type === 'model')
  if (models.length > 1) {
    throw new ConfigurationError(
      `dvc.yaml declares ${models.length} artifacts of type model (${models.map(m => m.name).join(', ')}); set 'model-path' to the one being promoted`
    )
  }
  const [model] = models
  return model
    ? { path: path.posix.normalize(model.path), source: `dvc.yaml artifact '${model.name}'` }
    : undefined
}

/** The model must be an out of a stage, recorded in dvc.lock, and (when data are present) match it. */
export function linkModel(
  project: DvcProject,
  lock: LockFile,
  stages: StageReport[],
  model: { path: string; source: string }
): ModelLink {
  const link: ModelLink = { ...model, legacy: false, problems: [] }
  for (const stage of project.stages) {
    const out = stage.outs.find(o => statusKey(stage.wdir, o.path) === model.path)
    if (!out) continue
    link.stage = stage.name
    const entry = lock.stages[stage.name]?.outs.find(e => e.path === out.path)
    if (!entry?.md5) {
      link.problems.push(
        `model ${model.path} (${model.source}) is an out of stage '${stage.name}', but dvc.lock records no hash for it; run \`dvc repro ${stage.name}\``
      )
      return link
    }
    link.md5 = entry.md5
    link.legacy = entry.hash === undefined
    const report = stages
      .find(s => s.name === stage.name)
      ?.entries.find(e => e.kind === 'out' && e.path === out.path)
    if (report) link.entry = report
    if (report && report.status !== 'unchanged' && report.status !== 'not-checked') {
      link.problems.push(
        `model ${model.path} does not match dvc.lock (${report.status}; lock ${entry.md5}, workspace ${report.actual ?? '-'})`
      )
    }
    return link
  }
  link.problems.push(
    `model ${model.path} (${model.source}) is not an out of any stage in dvc.yaml, so DVC cannot say how it was produced; point model-path at a stage output`
  )
  return link
}
