import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
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
import { parseYaml } from './yaml-file.js'
import { guardPath, guardRoot, requireAccepted, type AcceptedPath } from '../files/paths.js'
import { readRequiredSync } from '../files/read.js'

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

/** A lock hash: 32 hex digits, `.dir` for a directory. Anything else is never used as a path. */
const LOCK_MD5 = /^[0-9a-f]{32}(?:\.dir)?$/i

/**
 * Every md5 in dvc.lock must be a hash before it becomes a cache path: `../../etc/passwd` as an
 * md5 would otherwise let a lock probe which files exist on the runner.
 */
function checkLockHashes(lock: LockFile, text: string): void {
  const lines = indexLockLines(text)
  const textLines = text.split('\n')
  for (const [name, stage] of Object.entries(lock.stages)) {
    for (const section of ['deps', 'outs'] as const) {
      for (const entry of stage[section]) {
        const values = [
          entry.md5,
          ...(entry.files ?? []).map(f => (typeof f.md5 === 'string' ? f.md5 : undefined))
        ]
        const bad = values.find(v => v !== undefined && !LOCK_MD5.test(v))
        if (bad === undefined) continue
        const from = lines.entry(name, section, entry.path) ?? 1
        const at = textLines.findIndex((l, i) => i >= from - 1 && /^\s*-?\s*md5:/.test(l))
        const line = at >= 0 ? at + 1 : from
        throw new ConfigurationError(
          `dvc.lock:${line}: stage '${name}' ${section.slice(0, -1)} ${JSON.stringify(entry.path)} has md5 ${JSON.stringify(bad.slice(0, 80))}, which is not 32 hex digits (with .dir for a directory); regenerate dvc.lock with \`dvc repro\``,
          { location: { file: 'dvc.lock', line } }
        )
      }
    }
  }
}

/** dvc.yaml and dvc.lock, read and parsed (as a promise: errors arrive as rejections). */
export function loadProject(
  root: string,
  options: { allowExternal: boolean } = { allowExternal: false }
): Promise<LoadedProject> {
  return new Promise(resolve => resolve(readProject(root, options)))
}

function readProject(root: string, options: { allowExternal: boolean }): LoadedProject {
  const base = guardRoot(root)
  const read = (name: 'dvc.yaml' | 'dvc.lock'): Buffer =>
    readRequiredSync(
      requireAccepted(guardPath(base, name, { allowExternal: options.allowExternal }), name),
      {
        display: name,
        missing: `The DVC project root ${root} has no ${name}; point 'working-directory' at the DVC project root (run \`dvc repro\` and commit dvc.lock)`
      }
    )
  const yamlText = read('dvc.yaml').toString('utf8')
  const lockBytes = read('dvc.lock')
  const project = resolveProject(
    { base, allowExternal: options.allowExternal },
    parseYaml(yamlText, 'dvc.yaml'),
    yamlText
  )
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
  checkLockHashes(parsed.data, lockText)
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
  const data = loaded ?? (await loadProject(root, { allowExternal: options.allowExternal }))
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
