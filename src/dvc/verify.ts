import { createHash } from 'node:crypto'
import { existsSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { DvcCacheIndex } from './cache.js'
import { crossStageMismatches } from './cross-stage.js'
import { DvcIgnore } from './dvcignore.js'
import { HashPool, INLINE_MAX_BYTES, INLINE_MAX_FILES } from './hash-pool.js'
import { indexLockLines } from './lock-lines.js'
import { loadParamsFile } from './params.js'
import { resolveProject, type DvcProject } from './project.js'
import type { LineageReport, StageReport } from './report-types.js'
import { lockFileSchema, type LockFile } from './schema.js'
import { checkStage } from './stage-status.js'
import { TargetHasher } from './targets.js'
import { parseYaml, readLimited } from './yaml-file.js'

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
  project: DvcProject
  lock: LockFile
  lockBytes: Buffer
  lockText: string
  lockSha256: string
}

export async function loadProject(root: string): Promise<LoadedProject> {
  const yamlPath = path.join(root, 'dvc.yaml')
  const lockPath = path.join(root, 'dvc.lock')
  for (const [file, display] of [
    [yamlPath, 'dvc.yaml'],
    [lockPath, 'dvc.lock']
  ] as const) {
    if (!existsSync(file)) {
      throw new ConfigurationError(
        `Input 'working-directory' points at ${root}, which has no ${display}; point it at the DVC project root (run \`dvc repro\` and commit dvc.lock)`
      )
    }
  }
  const yamlText = (await readLimited(yamlPath, 'dvc.yaml')).toString('utf8')
  const project = await resolveProject(root, parseYaml(yamlText, 'dvc.yaml'), yamlText)
  const lockBytes = await readLimited(lockPath, 'dvc.lock')
  const lockText = lockBytes.toString('utf8')
  const parsed = lockFileSchema.safeParse(parseYaml(lockText, 'dvc.lock') ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.join('.')
    throw new ConfigurationError(
      `dvc.lock: ${where ? `${where}: ` : ''}${issue.message}; regenerate it with \`dvc repro\``,
      {
        location: { file: 'dvc.lock' }
      }
    )
  }
  return {
    project,
    lock: parsed.data,
    lockBytes,
    lockText,
    lockSha256: createHash('sha256').update(lockBytes).digest('hex')
  }
}

function stageProblems(
  stage: StageReport,
  missingData: MissingData
): { message: string; line?: number }[] {
  const problems: { message: string; line?: number }[] = []
  if (stage.neverRun)
    problems.push({
      message: `stage '${stage.name}' has no entry in dvc.lock: it was never run; run \`dvc repro ${stage.name}\``
    })
  if (stage.cmdChanged)
    problems.push({
      message: `stage '${stage.name}': changed command (dvc.lock has ${JSON.stringify(stage.expectedCmd)}, dvc.yaml resolves to ${JSON.stringify(stage.actualCmd)})`
    })
  for (const e of stage.entries) {
    if (e.status === 'unchanged' || e.status === 'not-checked') continue
    if (e.status === 'deleted' && e.missingData && missingData !== 'fail') continue
    const what =
      e.kind === 'param' ? `param ${e.path}${e.key ? `:${e.key}` : ''}` : `${e.kind} ${e.path}`
    let message = `stage '${stage.name}': ${what} is ${e.status}`
    if (e.expected !== undefined || e.actual !== undefined)
      message += ` (lock ${e.expected ?? '-'}, workspace ${e.actual ?? '-'})`
    if (e.status === 'deleted' && e.missingData)
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
function tracksMuchData(lock: LockFile): boolean {
  let bytes = 0
  let files = 0
  for (const stage of Object.values(lock.stages)) {
    for (const entry of [...stage.deps, ...stage.outs]) {
      bytes += entry.size ?? 0
      files += entry.nfiles ?? 1
    }
  }
  return bytes >= INLINE_MAX_BYTES || files > INLINE_MAX_FILES
}

/** Verifies the workspace against dvc.lock; pure of @actions/core, reads only, writes nothing. */
export async function verifyLineage(
  options: VerifyOptions,
  loaded?: LoadedProject
): Promise<LineageReport & { loaded: LoadedProject }> {
  const root = path.resolve(options.root)
  const data = loaded ?? (await loadProject(root))
  const realRoot = realpathSync(root)
  const pool = new HashPool(options.concurrency)
  if (options.missingData !== 'lock-only' && tracksMuchData(data.lock)) pool.warm()
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
    const ctx = {
      root,
      realRoot,
      allowExternal: options.allowExternal,
      lockOnly: options.missingData === 'lock-only',
      hasher,
      cache: new DvcCacheIndex(root),
      lines: indexLockLines(data.lockText),
      refused,
      loadParams: (abs: string, display: string) => {
        let p = paramsCache.get(abs)
        if (!p) paramsCache.set(abs, (p = loadParamsFile(abs, display)))
        return p
      }
    }
    const stages = await Promise.all(
      data.project.stages.map(s => checkStage(ctx, s, data.lock.stages[s.name]))
    )
    const problems: LineageReport['problems'] = []
    const warnings: string[] = []
    const missing: string[] = []
    for (const stage of stages) {
      for (const p of stageProblems(stage, options.missingData))
        problems.push({ ...p, file: 'dvc.lock' })
      for (const e of stage.entries) {
        if (e.status === 'deleted' && e.missingData) missing.push(e.path)
        if (e.note && e.status === 'unchanged')
          warnings.push(`stage '${stage.name}': ${e.path}: ${e.note}`)
      }
    }
    if (options.missingData === 'warn' && missing.length > 0) {
      warnings.push(
        `${missing.length} tracked path(s) are not in the workspace: ${[...new Set(missing)].join(', ')}; run \`dvc pull\` to verify them`
      )
    }
    const crossStage = crossStageMismatches(data.project.stages, data.lock)
    for (const c of crossStage) {
      problems.push({
        message: `stage '${c.stage}' dep ${c.dep} has md5 ${c.depMd5 ?? '-'} in dvc.lock, but stage '${c.producer}' records ${c.outMd5 ?? '-'} for that out (DVC does not check this); re-run \`dvc repro\``,
        file: 'dvc.lock',
        ...(data.lockText ? { line: ctx.lines.entry(c.stage, 'deps', c.dep) } : {})
      })
    }
    return {
      verified: problems.length === 0,
      lockSha256: data.lockSha256,
      stages,
      crossStage,
      refused,
      missing: [...new Set(missing)],
      problems,
      warnings,
      loaded: data
    }
  } finally {
    await pool.close()
  }
}
