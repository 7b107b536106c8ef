import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import path from 'node:path'
import type { Logger } from '../core/logger.js'
import type { AcceptedPath } from '../files/paths.js'
import { DvcCacheIndex } from './cache.js'
import { collectProject, type LineageFile, type StageUnit } from './collect.js'
import { crossStageMismatches } from './cross-stage.js'
import { DvcIgnore } from './dvcignore.js'
import { HashPool, INLINE_MAX_BYTES, INLINE_MAX_FILES } from './hash-pool.js'
import { compareCodePoints } from './manifest.js'
import { loadParamsFile } from './params.js'
import type { ModelArtifact } from './project.js'
import type { LineageReport, StageReport } from './report-types.js'
import { checkStage, statusKey } from './stage-status.js'
import { TargetHasher } from './targets.js'
import { fileKind } from '../files/read.js'

export type MissingData = 'fail' | 'warn' | 'lock-only'

export interface VerifyOptions {
  root: string
  missingData: MissingData
  allowExternal: boolean
  logger: Logger
  /** Worker threads for hashing; defaults to the number of cores. */
  concurrency?: number
}

export interface LoadedProject {
  /** Every stage `dvc status` checks: root and sub-folder pipelines, then `.dvc` files. */
  units: StageUnit[]
  /** `artifacts:` of every dvc.yaml, paths relative to the project root. */
  artifacts: ModelArtifact[]
  /** Every dvc.yaml, dvc.lock and `.dvc` file read, with its sha256. */
  files: LineageFile[]
  pipelines: string[]
  dvcFiles: string[]
  /**
   * The lineage fingerprint: sha256 of dvc.lock's bytes when it is the only lock (as before
   * `.dvc` files and sub-folder pipelines were read), else sha256 of a `sha256sum`-style
   * listing (`<sha256>  <path>` per line, sorted by path) of every lock and `.dvc` file.
   */
  lockSha256: string
}

/** Every dvc.yaml, dvc.lock and `.dvc` file, read and parsed (errors arrive as rejections). */
export function loadProject(
  root: string,
  options: { allowExternal: boolean } = { allowExternal: false }
): Promise<LoadedProject> {
  return new Promise(resolve => resolve(readProject(root, options)))
}

function readProject(root: string, options: { allowExternal: boolean }): LoadedProject {
  const collected = collectProject(path.resolve(root), options)
  const locks = collected.files
    .filter(f => path.posix.basename(f.path) === 'dvc.lock' || f.path.endsWith('.dvc'))
    .sort((a, b) => compareCodePoints(a.path, b.path))
  const only = locks.length === 1 && locks[0]!.path === 'dvc.lock' ? locks[0] : undefined
  const lockSha256 =
    only?.sha256 ??
    createHash('sha256')
      .update(locks.map(f => `${f.sha256}  ${f.path}\n`).join(''), 'utf8')
      .digest('hex')
  return { ...collected, lockSha256 }
}

function stageProblems(
  stage: StageReport,
  missingData: MissingData
): { message: string; line?: number }[] {
  const problems: { message: string; line?: number }[] = []
  if (stage.neverRun)
    problems.push({
      message: `stage '${stage.name}' has no entry in its dvc.lock: it was never run; run \`dvc repro ${stage.name}\``
    })
  if (stage.checksumChanged)
    problems.push({
      message: `${stage.name}: changed checksum (its md5 is not the one DVC computes for its content: the file was edited by hand); re-create it with \`dvc import\`, \`dvc import-url\` or \`dvc commit\``
    })
  if (stage.cmdChanged)
    problems.push({
      message: `stage '${stage.name}': changed command (dvc.lock has ${JSON.stringify(stage.expectedCmd)}, dvc.yaml resolves to ${JSON.stringify(stage.actualCmd)})`
    })
  for (const e of stage.entries) {
    if (e.status === 'unchanged' || e.status === 'not-checked') continue
    // lock-only: absent DVC-tracked data is already `not-checked`; what is still `deleted` is a
    // file the clone should hold (code, params, an out DVC does not cache), so it fails.
    if (e.status === 'deleted' && e.missingData && missingData === 'warn') continue
    const what =
      e.kind === 'param' ? `param ${e.path}${e.key ? `:${e.key}` : ''}` : `${e.kind} ${e.path}`
    let message = `stage '${stage.name}': ${what} is ${e.status}`
    if (e.expected !== undefined || e.actual !== undefined)
      message += ` (lock ${e.expected ?? '-'}, workspace ${e.actual ?? '-'})`
    if (e.status === 'deleted' && e.missingData && missingData === 'lock-only')
      message +=
        '; it is not DVC-tracked data, so a clean clone must hold it: commit it to git, or remove it from dvc.yaml and run `dvc repro`'
    else if (e.status === 'deleted' && e.missingData)
      message +=
        '; the data are not in the workspace: run `dvc pull` first, or set missing-data: warn or lock-only'
    if (e.note) message += `; ${e.note}`
    problems.push({ message, ...(e.lockLine ? { line: e.lockLine } : {}) })
  }
  return problems
}

/**
 * Whether dvc.lock says the stages track enough data (DVC 3 records size and nfiles) to need
 * the worker threads: then they start before the tree is walked.
 */
function tracksMuchData(units: StageUnit[]): boolean {
  let bytes = 0
  let files = 0
  for (const { lock } of units) {
    for (const entry of [...(lock?.deps ?? []), ...(lock?.outs ?? [])]) {
      bytes += entry.size ?? 0
      files += entry.nfiles ?? 1
    }
  }
  return bytes >= INLINE_MAX_BYTES || files > INLINE_MAX_FILES
}

/**
 * DVC-tracked data, as status keys: the cached outs of every stage and `.dvc` file. Outs with
 * `cache: false` (metrics, plots) are committed to git by the seed's layout, so a clean clone
 * holds them and they are compared.
 */
function dvcDataKeys(units: StageUnit[]): string[] {
  const keys = new Set<string>()
  for (const { stage } of units)
    for (const o of stage.outs) if (o.cache) keys.add(statusKey(stage.wdir, o.path))
  return [...keys]
}

/**
 * Marks each dep with the stage or `.dvc` file whose output it is (the path itself or a folder
 * above it): the report and the summary then show where a stage's data came from.
 */
function annotateSources(units: StageUnit[], stages: StageReport[]): void {
  const producers = new Map<string, string>()
  for (const u of units)
    for (const o of u.stage.outs) producers.set(statusKey(u.stage.wdir, o.path), u.stage.name)
  units.forEach((u, i) => {
    for (const e of stages[i]!.entries) {
      if (e.kind !== 'dep' || u.stage.dvcFile) continue
      let key = statusKey(u.stage.wdir, e.path)
      for (;;) {
        const producer = producers.get(key)
        if (producer !== undefined && producer !== u.stage.name) {
          e.producedBy = producer
          break
        }
        const parent = path.posix.dirname(key)
        if (parent === key || parent === '.') break
        key = parent
      }
    }
  })
}

/** Verifies the workspace against dvc.lock; pure of @actions/core, reads only, writes nothing. */
export async function verifyLineage(
  options: VerifyOptions,
  loaded?: LoadedProject
): Promise<LineageReport & { loaded: LoadedProject }> {
  const root = path.resolve(options.root)
  const data = loaded ?? (await loadProject(root, { allowExternal: options.allowExternal }))
  const realRoot = realpathSync(root)
  const pool = new HashPool(options.concurrency)
  if (options.missingData !== 'lock-only' && tracksMuchData(data.units)) pool.warm()
  const paramsCache = new Map<string, Promise<unknown>>()
  const refused: { path: string; reason: string }[] = []
  try {
    const hasher = new TargetHasher(
      pool,
      new DvcIgnore(root),
      realRoot,
      options.allowExternal,
      message => options.logger.debug(message)
    )
    const dataKeys = dvcDataKeys(data.units)
    const ctx = {
      root,
      realRoot,
      allowExternal: options.allowExternal,
      lockOnly: options.missingData === 'lock-only',
      isDvcData: (key: string) => dataKeys.some(d => key === d || key.startsWith(`${d}/`)),
      holdsAbsentData: (key: string) =>
        dataKeys.filter(
          d => d.startsWith(`${key}/`) && fileKind(path.join(root, ...d.split('/'))) === 'missing'
        ),
      hasher,
      cache: new DvcCacheIndex(root),
      refused,
      loadParams: (safe: AcceptedPath, display: string) => {
        let p = paramsCache.get(safe.abs)
        if (!p)
          paramsCache.set(
            safe.abs,
            (p = new Promise(resolve => resolve(loadParamsFile(safe, display))))
          )
        return p
      }
    }
    const stages = await Promise.all(data.units.map(unit => checkStage(ctx, unit)))
    annotateSources(data.units, stages)
    const problems: LineageReport['problems'] = []
    const warnings: string[] = []
    const missing: string[] = []
    stages.forEach((stage, i) => {
      for (const p of stageProblems(stage, options.missingData))
        problems.push({ ...p, file: data.units[i]!.lockFile })
      for (const e of stage.entries) {
        // Named from the project root (a `.dvc` file's out is written relative to its folder).
        if ((e.status === 'deleted' || e.status === 'not-checked') && e.missingData)
          missing.push(statusKey(data.units[i]!.stage.wdir, e.path))
        if (e.note && e.status === 'unchanged')
          warnings.push(`stage '${stage.name}': ${e.path}: ${e.note}`)
      }
    })
    if (options.missingData === 'warn' && missing.length > 0) {
      warnings.push(
        `${missing.length} tracked path(s) are not in the workspace: ${[...new Set(missing)].join(', ')}; run \`dvc pull\` to verify them`
      )
    }
    if (options.missingData === 'lock-only' && missing.length > 0) {
      warnings.push(
        `not checked (DVC-tracked data not in the checkout): ${[...new Set(missing)].join(', ')}; every other dependency, parameter and output was hashed and compared with dvc.lock. Set dvc-pull (or run \`dvc pull\` and missing-data: fail) to verify them too`
      )
    }
    const crossStage = crossStageMismatches(data.units)
    for (const c of crossStage) {
      const unit = data.units.find(u => u.stage.name === c.stage)!
      const line = unit.lines.entry(unit.lockName, 'deps', c.dep)
      problems.push({
        message: `stage '${c.stage}' dep ${c.dep} has md5 ${c.depMd5 ?? '-'} in ${unit.lockFile}, but ${c.producer.endsWith('.dvc') ? c.producer : `stage '${c.producer}'`} records ${c.outMd5 ?? '-'} for that out (DVC does not check this); re-run \`dvc repro\``,
        file: unit.lockFile,
        ...(line ? { line } : {})
      })
    }
    return {
      verified: problems.length === 0,
      lockSha256: data.lockSha256,
      lockFiles: data.files.filter(f => path.posix.basename(f.path) !== 'dvc.yaml'),
      stages,
      crossStage,
      // A folder that is an out of one stage and a dep of another is refused once.
      refused: [...new Map(refused.map(r => [`${r.path}\0${r.reason}`, r])).values()],
      missing: [...new Set(missing)],
      problems,
      warnings,
      loaded: data
    }
  } finally {
    await pool.close()
  }
}
