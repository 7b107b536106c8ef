import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import { describeRefusal, guardPath, requireAccepted, type GuardRoot } from '../files/paths.js'
import { fileKind } from '../files/read.js'
import { interpolateValue, InterpolationError, isMapping } from './interpolate.js'
import { loadParamsFile } from './params.js'
import { dvcYamlSchema, stageSchema } from './schema.js'
import { dvcToStr } from './interpolate.js'
import type { ImportSource } from './stage-types.js'

/** A dvc.yaml stage after foreach/matrix expansion and `${}` resolution. */
export interface ResolvedStage {
  name: string
  cmd: string | string[]
  /** Relative to the project root, as written ('.' when absent). */
  wdir: string
  deps: string[]
  /** Params files in DVC's merge order; empty keys = the whole file is tracked. */
  params: { file: string; keys: string[] }[]
  outs: { path: string; cache: boolean }[]
  frozen: boolean
  alwaysChanged: boolean
  /** 1-based line of the stage's key in dvc.yaml. */
  line?: number
  /**
   * A `.dvc` file's stage: DVC reports a stage md5 that differs from the file's content as
   * `changed checksum` (not `changed command`); import sources are listed, never read.
   */
  dvcFile?: { checksumChanged: boolean; imports: ImportSource[] }
  /** The `metrics:` outputs alone (also in `outs`), as written after `${}` resolution. */
  metrics?: string[]
}

export interface ModelArtifact {
  name: string
  path: string
  type?: string
}

export interface DvcProject {
  stages: ResolvedStage[]
  artifacts: ModelArtifact[]
  /** Top-level `metrics:` after `${}` resolution with the global vars (dvc/parsing does too). */
  metrics: string[]
}

/**
 * Stages after foreach/matrix expansion. A few lines of matrix can describe millions of stages
 * (5 keys of 20 values: 3.2 million); far past any real pipeline, so refused before expanding.
 */
export const MAX_STAGES = 100_000

/** First line where `key:` appears as a mapping key; good enough to point an annotation at. */
export function keyLine(text: string, key: string, from = 0): number | undefined {
  const lines = text.split('\n')
  const quoted = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`^\\s*(?:- )?['"]?${quoted}['"]?\\s*:`)
  for (let i = from; i < lines.length; i++) if (re.test(lines[i]!)) return i + 1
  return undefined
}

/**
 * The first line of each mapping key from line `from` on, in one pass: what keyLine finds for
 * one key, for every stage at once (keyLine per stage re-reads the file: quadratic, and a
 * dvc.yaml of many small stages would take hours).
 */
export function keyLines(text: string, from: number): Map<string, number> {
  const found = new Map<string, number>()
  const lines = text.split('\n')
  const key = /^\s*(?:- )?(['"]?)([^'"\s][^:]*?)\1\s*:/
  for (let i = from; i < lines.length; i++) {
    const match = key.exec(lines[i]!)
    if (match && !found.has(match[2]!)) found.set(match[2]!, i + 1)
  }
  return found
}

function mergeInto(target: Record<string, unknown>, source: unknown): void {
  if (!isMapping(source)) return
  for (const [k, v] of Object.entries(source)) {
    // Own keys only, and defineProperty: a `__proto__` key from a file must stay a plain key,
    // never reach (or replace) a prototype.
    const own = Object.hasOwn(target, k) ? target[k] : undefined
    if (isMapping(v) && isMapping(own)) mergeInto(own, v)
    else
      Object.defineProperty(target, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true
      })
  }
}

/** How vars and params files are reached: the project root and the allow-external input. */
export interface VarsAccess {
  base: GuardRoot
  allowExternal: boolean
}

/**
 * The `${}` context: the default params.yaml (when `withDefault`), then each `vars:` entry.
 * Every file goes through the path guard first: a vars entry or a params.yaml symlink that
 * leads outside the project is refused before it is opened, since its values would otherwise
 * end up in interpolated commands, and from there in annotations, outputs and the summary.
 */
function loadVars(
  access: VarsAccess,
  dir: string,
  vars: (string | Record<string, unknown>)[],
  withDefault: boolean,
  line: number | undefined,
  yamlDisplay = 'dvc.yaml'
): Record<string, unknown> {
  const context: Record<string, unknown> = {}
  const location = { file: yamlDisplay, ...(line ? { line } : {}) }
  const options = { wdir: dir, allowExternal: access.allowExternal }
  if (withDefault) {
    const display = path.posix.join(dir, 'params.yaml')
    const safe = guardPath(access.base, 'params.yaml', options)
    if (!safe.ok)
      throw new ConfigurationError(
        `${display} ${describeRefusal(safe.why)}; it was not read as the default vars of ${yamlDisplay} (set allow-external: true to read it, or replace the link with the file)`,
        { location: { file: display } }
      )
    if (fileKind(safe.abs) !== 'missing')
      mergeInto(context, loadParamsFile(safe, display, { file: display }))
  }
  for (const item of vars) {
    if (typeof item !== 'string') {
      mergeInto(context, item)
      continue
    }
    const [file = item, keyList] = item.split(':')
    const display = path.posix.join(dir, file)
    const safe = requireAccepted(
      guardPath(access.base, file, options),
      `vars file ${file}`,
      location
    )
    const data = loadParamsFile(safe, display, location)
    if (keyList) {
      for (const key of keyList.split(','))
        if (isMapping(data) && Object.hasOwn(data, key)) mergeInto(context, { [key]: data[key] })
    } else mergeInto(context, data)
  }
  return context
}

function failIn(message: string, line: number | undefined, display = 'dvc.yaml'): never {
  throw new ConfigurationError(`${display}${line ? `:${line}` : ''}: ${message}`, {
    location: { file: display, ...(line ? { line } : {}) }
  })
}

function mergeParams(
  list: (string | Record<string, string[] | null>)[]
): { file: string; keys: string[] }[] {
  const whole = new Set<string>()
  for (const item of list)
    if (typeof item !== 'string')
      for (const [k, v] of Object.entries(item)) if (!v || v.length === 0) whole.add(k)
  const merged = new Map<string, string[]>()
  const push = (file: string, keys: string[]): void => {
    if (!merged.has(file)) merged.set(file, [])
    if (!whole.has(file)) merged.get(file)!.push(...keys)
  }
  for (const item of list) {
    if (typeof item === 'string') push('params.yaml', [item])
    else for (const [k, v] of Object.entries(item)) push(k, v ?? [])
  }
  return [...merged].map(([file, keys]) => ({ file, keys }))
}

function outsOf(list: unknown[]): { path: string; cache: boolean }[] {
  return list.map(item => {
    if (typeof item === 'string') return { path: item, cache: true }
    const [[p, opts] = ['', null]] = Object.entries(item as Record<string, unknown>)
    const cache = isMapping(opts) && opts.cache === false ? false : true
    return { path: p, cache }
  })
}

function resolveOne(
  name: string,
  body: unknown,
  context: Record<string, unknown>,
  line: number | undefined,
  where: PipelineWhere
): ResolvedStage {
  const fail: (message: string, at: number | undefined) => never = (message, at) =>
    failIn(message, at, where.display)
  let resolved: unknown
  try {
    resolved = interpolateValue(body, context)
  } catch (error) {
    if (error instanceof InterpolationError)
      fail(`stage '${name}': ${error.message}; define it in vars or params.yaml`, line)
    throw error
  }
  const parsed = stageSchema.safeParse(resolved)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    fail(
      `stage '${name}' ${issue.path.join('.') || ''}: ${issue.message}; fix the stage definition`,
      line
    )
  }
  const s = parsed.data
  return {
    name,
    cmd: s.cmd,
    // Relative to the project root: a pipeline in sub/ has its paths relative to sub/.
    wdir: path.posix.normalize(path.posix.join(where.dir, (s.wdir ?? '.').replace(/\\/g, '/'))),
    deps: s.deps,
    params: mergeParams(s.params),
    outs: [...outsOf(s.outs), ...outsOf(s.metrics), ...outsOf(s.plots)],
    metrics: outsOf(s.metrics).map(o => o.path),
    frozen: s.frozen,
    alwaysChanged: s.always_changed,
    ...(line ? { line } : {})
  }
}

/** Deep copy that keeps PyFloat (structuredClone would turn it into a plain object). */
function cloneContext<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneContext) as T
  if (isMapping(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneContext(v)])) as T
  return value
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>(
    (acc, list) => acc.flatMap(prefix => list.map(item => [...prefix, item])),
    [[]]
  )
}

/** Where a dvc.yaml is: its folder relative to the project root, and how messages name it. */
export interface PipelineWhere {
  dir: string
  display: string
}

/**
 * Expands `foreach`/`matrix` and resolves `${}` as dvc/parsing does, for one dvc.yaml (the
 * root one by default; `where` for one in a sub-folder, whose paths are relative to it).
 */
export function resolveProject(
  access: VarsAccess,
  data: unknown,
  text: string,
  where: PipelineWhere = { dir: '.', display: 'dvc.yaml' }
): DvcProject {
  const fail: (message: string, at: number | undefined) => never = (message, at) =>
    failIn(message, at, where.display)
  const top = dvcYamlSchema.safeParse(data ?? {})
  if (!top.success) {
    const issue = top.error.issues[0]!
    fail(
      `${issue.path.join('.') || '(top level)'}: ${issue.message}; fix the file`,
      keyLine(text, String(issue.path[0] ?? 'stages'))
    )
  }
  const doc = top.data
  const globalContext = loadVars(
    access,
    where.dir,
    doc.vars,
    true,
    keyLine(text, 'vars'),
    where.display
  )
  const stages: ResolvedStage[] = []
  const names = Object.keys(doc.stages)
  if (names.length > MAX_STAGES)
    fail(
      `${names.length} stages, more than the ${MAX_STAGES} lineage-check reads; split the pipeline`,
      keyLine(text, 'stages')
    )
  const stageLines = keyLines(text, keyLine(text, 'stages') ?? 0)
  for (const [name, raw] of Object.entries(doc.stages)) {
    const line = stageLines.get(name)
    const context = cloneContext(globalContext)
    if (Array.isArray(raw.vars))
      mergeInto(
        context,
        loadVars(
          access,
          where.dir,
          raw.vars as (string | Record<string, unknown>)[],
          false,
          line,
          where.display
        )
      )
    const { vars: _vars, ...def } = raw
    void _vars
    if ('foreach' in def) {
      let iterable: unknown
      try {
        iterable = interpolateValue(def.foreach, context)
      } catch (error) {
        if (error instanceof InterpolationError)
          fail(`stage '${name}' foreach: ${error.message}`, line)
        throw error
      }
      const entries: [string, unknown, unknown][] = []
      if (Array.isArray(iterable)) {
        const composite = iterable.some(v => Array.isArray(v) || isMapping(v))
        iterable.forEach((v, i) =>
          entries.push([composite ? String(i) : dvcToStr(v), v, undefined])
        )
      } else if (isMapping(iterable)) {
        for (const [k, v] of Object.entries(iterable)) entries.push([k, v, k])
      } else fail(`stage '${name}': foreach must be a list or a mapping`, line)
      if (stages.length + entries.length > MAX_STAGES)
        fail(
          `stage '${name}': foreach expands to ${entries.length} stages, more than the ${MAX_STAGES} lineage-check expands; split it`,
          line
        )
      for (const [key, item, k] of entries) {
        const local = { ...context, item, ...(k === undefined ? {} : { key: k }) }
        stages.push(resolveOne(`${name}@${key}`, def.do, local, line, where))
      }
      continue
    }
    if ('matrix' in def) {
      const { matrix, ...body } = def
      const resolvedMatrix = interpolateValue(matrix, context)
      if (!isMapping(resolvedMatrix))
        fail(`stage '${name}': matrix must be a mapping of lists`, line)
      const keys = Object.keys(resolvedMatrix)
      const lists = keys.map(k => {
        const v = resolvedMatrix[k]
        if (!Array.isArray(v)) fail(`stage '${name}': matrix.${k} must be a list`, line)
        return (v as unknown[]).map((value, i) => ({ value, i }))
      })
      const combinations = lists.reduce((n, list) => n * list.length, 1)
      if (stages.length + combinations > MAX_STAGES)
        fail(
          `stage '${name}': matrix expands to ${combinations} stages, more than the ${MAX_STAGES} lineage-check expands; split the matrix`,
          line
        )
      for (const combo of product(lists)) {
        const item: Record<string, unknown> = {}
        const fragments: string[] = []
        combo.forEach(({ value, i }, n) => {
          const k = keys[n]!
          item[k] = value
          fragments.push(Array.isArray(value) || isMapping(value) ? `${k}${i}` : dvcToStr(value))
        })
        stages.push(
          resolveOne(`${name}@${fragments.join('-')}`, body, { ...context, item }, line, where)
        )
      }
      continue
    }
    stages.push(resolveOne(name, def, context, line, where))
  }
  const artifacts = Object.entries(doc.artifacts).map(([name, a]) => ({
    name,
    path: a.path,
    ...(a.type ? { type: a.type } : {})
  }))
  let metrics: string[] = []
  const topMetrics = (doc as { metrics?: unknown }).metrics
  if (Array.isArray(topMetrics)) {
    let resolved: unknown
    try {
      resolved = interpolateValue(topMetrics, globalContext)
    } catch (error) {
      if (error instanceof InterpolationError)
        fail(
          `metrics: ${error.message}; define it in vars or params.yaml`,
          keyLine(text, 'metrics')
        )
      throw error
    }
    metrics = (resolved as unknown[]).flatMap(m =>
      typeof m === 'string' ? [m] : isMapping(m) ? Object.keys(m) : []
    )
  }
  return { stages, artifacts, metrics }
}
