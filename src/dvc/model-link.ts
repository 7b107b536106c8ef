import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { StageUnit } from './collect.js'
import type { ModelArtifact } from './project.js'
import type { EntryReport, StageReport } from './report-types.js'
import { statusKey } from './stage-status.js'

export interface ModelLink {
  /** Relative to the DVC project root, as DVC's status keys are. */
  path: string
  /** Where it came from: the input or the dvc.yaml artifact name. */
  source: string
  stage?: string
  /** What dvc.lock (or the `.dvc` file) records for it (md5, or `<md5>.dir` for a directory). */
  md5?: string
  legacy: boolean
  /** The size dvc.lock records for it (DVC 3), bytes. */
  size?: number
  entry?: EntryReport
  /**
   * The data the model was made from: every `.dvc` file upstream of the model's stage (through
   * the deps of the stages before it), or the model's own `.dvc` file when it was `dvc add`ed.
   */
  dataSources: string[]
  problems: string[]
}

/** The model artifact: the path given, else the single `artifacts:` entry with `type: model`. */
export function findModelPath(
  artifacts: ModelArtifact[],
  modelPath: string | undefined
): { path: string; source: string } | undefined {
  if (modelPath)
    return {
      path: path.posix.normalize(modelPath.replace(/\\/g, '/')),
      source: "'model-path'"
    }
  const models = artifacts.filter(a => a.type === 'model')
  if (models.length > 1) {
    throw new ConfigurationError(
      `the dvc.yaml files declare ${models.length} artifacts of type model (${models.map(m => m.name).join(', ')}); name the one being promoted by its path`
    )
  }
  const [model] = models
  return model
    ? { path: path.posix.normalize(model.path), source: `dvc.yaml artifact '${model.name}'` }
    : undefined
}

/** `.dvc` files upstream of a stage: followed through each dep's producer, breadth first. */
function upstreamDataSources(units: StageUnit[], stages: StageReport[], from: string): string[] {
  const byName = new Map(stages.map(s => [s.name, s]))
  const isDvcFile = new Set(units.filter(u => u.stage.dvcFile).map(u => u.stage.name))
  const seen = new Set<string>([from])
  const queue = [from]
  const found: string[] = []
  while (queue.length > 0) {
    const name = queue.shift()!
    if (isDvcFile.has(name)) found.push(name)
    for (const e of byName.get(name)?.entries ?? []) {
      if (e.producedBy === undefined || seen.has(e.producedBy)) continue
      seen.add(e.producedBy)
      queue.push(e.producedBy)
    }
  }
  return found.sort()
}

/** The model must be an out of a stage (or a `.dvc` file), recorded, and match when present. */
export function linkModel(
  units: StageUnit[],
  stages: StageReport[],
  model: { path: string; source: string }
): ModelLink {
  const link: ModelLink = { ...model, legacy: false, dataSources: [], problems: [] }
  for (const unit of units) {
    const { stage } = unit
    const out = stage.outs.find(o => statusKey(stage.wdir, o.path) === model.path)
    if (!out) continue
    link.stage = stage.name
    link.dataSources = upstreamDataSources(units, stages, stage.name)
    const entry = unit.lock?.outs.find(e => e.path === out.path)
    if (!entry?.md5) {
      link.problems.push(
        `model ${model.path} (${model.source}) is an out of ${stage.dvcFile ? stage.name : `stage '${stage.name}'`}, but ${unit.lockFile} records no hash for it; run \`dvc repro ${stage.name}\``
      )
      return link
    }
    link.md5 = entry.md5
    if (entry.size !== undefined) link.size = entry.size
    link.legacy = entry.hash === undefined
    const report = stages
      .find(s => s.name === stage.name)
      ?.entries.find(e => e.kind === 'out' && e.path === out.path)
    if (report) link.entry = report
    if (report && report.status !== 'unchanged' && report.status !== 'not-checked') {
      link.problems.push(
        `model ${model.path} does not match ${unit.lockFile} (${report.status}; recorded ${entry.md5}, workspace ${report.actual ?? '-'})`
      )
    }
    return link
  }
  link.problems.push(
    `model ${model.path} (${model.source}) is not an out of any stage or .dvc file, so DVC cannot say how it was produced; point the model path at a stage output`
  )
  return link
}
