import path from 'node:path'
import { describeRefusal, resolveProjectPath, type AcceptedPath } from '../files/paths.js'
import { describeKind, fileKind } from '../files/read.js'
import type { DvcCacheIndex } from './cache.js'
import type { HashMode } from './hash-file.js'
import type { LockLines } from './lock-lines.js'
import { compareParams } from './params.js'
import type { ResolvedStage } from './project.js'
import { pyEquals, toPlain } from './pyvalue.js'
import type { DvcStatusItem, EntryReport, StageReport } from './report-types.js'
import type { LockEntry, LockStage } from './schema.js'
import type { TargetHash, TargetHasher } from './targets.js'

export interface StageCheckContext {
  root: string
  realRoot: string
  allowExternal: boolean
  /**
   * lock-only: the checkout is a clean clone. Everything present is hashed and compared as
   * usual; only DVC-tracked data that is absent (never pulled) is listed as not checked.
   */
  lockOnly: boolean
  /**
   * Whether a path (a status key) is DVC-tracked data: an out of a stage or a `.dvc` file, or a
   * path inside one. Only such data may be absent from a clean clone; a missing code file is
   * `deleted` as DVC says.
   */
  isDvcData?: (key: string) => boolean
  /** lock-only: a folder that holds DVC-tracked data absent from the checkout. */
  holdsAbsentData?: (key: string) => string[]
  hasher: TargetHasher
  cache: DvcCacheIndex
  /** Params files, parsed once per run. */
  loadParams: (safe: AcceptedPath, display: string) => Promise<unknown>
  refused: { path: string; reason: string }[]
}

/** Path keys as `dvc status` prints them (relative to the project root, normalised). */
export function statusKey(wdir: string, written: string): string {
  const p = written.replace(/\\/g, '/')
  // An absolute (external) path is its own key, as DVC prints it.
  if (path.posix.isAbsolute(p)) return path.posix.normalize(p)
  return path.posix.normalize(path.posix.join(wdir.replace(/\\/g, '/'), p))
}

function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/')
}

function lockValue(entry: LockEntry | undefined): string | undefined {
  return entry?.md5
}

/** One stage with its lock entry: where its lines are, and its key in the lock. */
export interface StageInput {
  stage: ResolvedStage
  lock: LockStage | undefined
  lines: LockLines
  lockName: string
}

async function checkData(
  ctx: StageCheckContext,
  unit: StageInput,
  kind: 'dep' | 'out',
  written: string,
  lock: LockEntry | undefined,
  useCache = false
): Promise<{ report: EntryReport; dvc?: string; hashed?: TargetHash }> {
  const mode: HashMode = lock && lock.hash === undefined ? 'legacy' : 'md5'
  const report: EntryReport = {
    kind,
    path: written,
    status: 'unchanged',
    hash: mode === 'legacy' ? 'md5-dos2unix' : 'md5'
  }
  const expected = lockValue(lock)
  if (expected !== undefined) report.expected = expected
  const { stage } = unit
  const line = unit.lines.entry(unit.lockName, kind === 'dep' ? 'deps' : 'outs', written)
  if (line !== undefined) report.lockLine = line
  const safe = resolveProjectPath(ctx.root, ctx.realRoot, stage.wdir, written, ctx.allowExternal)
  if (!safe.ok) {
    report.status = 'refused'
    report.note = `${written} ${describeRefusal(safe.why)}; not read (set allow-external: true to read it)`
    ctx.refused.push({ path: written, reason: describeRefusal(safe.why) })
    return { report }
  }
  if (safe.external)
    report.note = `external path (${describeRefusal(safe.why!)}), read because allow-external is true`
  // DVC asks the cache first for cached outs with a lock hash; "not in cache" then hides the
  // workspace verdict. We still judge the workspace data ourselves (entry status).
  let cacheVerdict: string | undefined
  let manifestRefused: string | undefined
  if (useCache && expected !== undefined) {
    const cached = ctx.cache.has(expected, mode === 'legacy')
    for (const p of cached.escaping)
      ctx.refused.push({
        path: `${written} (.dir manifest) ${p}`,
        reason: 'manifest relpath escapes its directory'
      })
    if (!cached.present) cacheVerdict = 'not in cache'
    if (cached.escaping.length > 0)
      manifestRefused = `the cached .dir manifest names ${cached.escaping.length} path(s) outside the directory, which were not read`
  }
  const hashed = await ctx.hasher.hash({ abs: safe.abs, rel: rel(ctx.root, safe.abs), mode })
  const key = statusKey(stage.wdir, written)
  if (hashed.kind === 'missing') {
    report.status = 'deleted'
    report.missingData = !hashed.ignored
    if (hashed.ignored) report.note = 'ignored by .dvcignore'
    else if (ctx.lockOnly && (ctx.isDvcData?.(key) ?? true)) {
      // DVC-tracked data a clean clone does not hold: nothing to compare, and said so by name.
      report.status = 'not-checked'
      report.note = 'DVC-tracked data not in the checkout (missing-data: lock-only)'
    }
    return { report, dvc: cacheVerdict ?? 'deleted', hashed }
  }
  if (hashed.kind === 'refused') {
    // A FIFO, socket or device: opening it could block forever, so it is never opened.
    report.status = 'refused'
    report.note = `${written} is ${describeKind(hashed.fileKind)}; only regular files and directories are read`
    ctx.refused.push({ path: written, reason: `is ${describeKind(hashed.fileKind)}` })
    return { report, dvc: cacheVerdict ?? 'modified', hashed }
  }
  if (hashed.kind === 'error') {
    report.status = 'modified'
    report.note = `could not be read: ${hashed.message}`
    return { report, dvc: cacheVerdict ?? 'modified', hashed }
  }
  report.actual = hashed.md5
  // A refused entry fails the check, whatever its hash says. DVC itself follows a symlink out
  // of a tracked folder (and opens a pipe in it), so for a folder that gained one it says
  // "modified": the dvc status line stays that, and the folder's hash (without the refused
  // files) is still reported.
  const refusals: string[] = manifestRefused ? [manifestRefused] : []
  if (hashed.kind === 'dir') {
    for (const p of hashed.escaped) {
      ctx.refused.push({
        path: `${written}/${p}`,
        reason: 'resolves through a symlink to outside the project'
      })
      refusals.push(`${p} (a symlink leading outside the project)`)
    }
    for (const p of hashed.special) {
      ctx.refused.push({ path: `${written}/${p.relpath}`, reason: `is ${describeKind(p.kind)}` })
      refusals.push(`${p.relpath} (${describeKind(p.kind)})`)
    }
  }
  if (refusals.length > 0) {
    report.status = 'refused'
    const fixes = [
      ...(hashed.kind === 'dir' && hashed.escaped.length > 0
        ? ['set allow-external: true to follow symlinks leading outside']
        : []),
      ...(hashed.kind === 'dir' && hashed.special.length > 0
        ? ['remove the pipes, sockets and devices']
        : [])
    ]
    report.note = `not read: ${refusals.join(', ')}${fixes.length ? `; ${fixes.join(', ')}` : ''}`
    return { report, dvc: cacheVerdict ?? 'modified', hashed }
  }
  // DVC compares the hash alone: size, nfiles and isexec never make an entry modified.
  if (expected === hashed.md5)
    return cacheVerdict ? { report, dvc: cacheVerdict, hashed } : { report, hashed }
  report.status = 'modified'
  const absentInside =
    ctx.lockOnly && hashed.kind === 'dir' ? (ctx.holdsAbsentData?.(key) ?? []) : []
  if (absentInside.length > 0) {
    // A folder whose DVC-tracked part was never pulled cannot hash as the lock says, whatever
    // the rest holds: not a mismatch of what is present, and not checked.
    report.status = 'not-checked'
    report.missingData = true
    report.note = `holds DVC-tracked data not in the checkout (${absentInside.join(', ')}); missing-data: lock-only`
  }
  if (expected !== undefined && hashed.md5Dvc2 === expected) {
    // Written by DVC 2, whose whole-file text rule differs from DVC 3's per-chunk one for large
    // mixed files: the data are the same, so we do not call it a mismatch (DVC 3 would).
    report.status = 'unchanged'
    report.note =
      "matches DVC 2's whole-file dos2unix rule (DVC 3's dvc status reports it modified)"
  }
  return { report, dvc: cacheVerdict ?? 'modified', hashed }
}

export async function checkStage(ctx: StageCheckContext, unit: StageInput): Promise<StageReport> {
  const { stage, lock } = unit
  const entries: EntryReport[] = []
  const changedDeps: Record<string, unknown> = {}
  const changedOuts: Record<string, unknown> = {}
  const lockDeps = new Map((lock?.deps ?? []).map(e => [e.path, e]))
  const lockOuts = new Map((lock?.outs ?? []).map(e => [e.path, e]))

  if (!stage.frozen) {
    const depResults = await Promise.all(
      stage.deps.map(d => checkData(ctx, unit, 'dep', d, lockDeps.get(d)))
    )
    depResults.forEach((r, i) => {
      entries.push(r.report)
      if (r.dvc) changedDeps[statusKey(stage.wdir, stage.deps[i]!)] = r.dvc
    })
    for (const { file, keys } of stage.params) {
      const key = statusKey(stage.wdir, file)
      const safe = resolveProjectPath(ctx.root, ctx.realRoot, stage.wdir, file, ctx.allowExternal)
      if (!safe.ok) {
        ctx.refused.push({ path: file, reason: describeRefusal(safe.why) })
        entries.push({
          kind: 'param',
          path: file,
          status: 'refused',
          hash: 'params',
          note: `${file} ${describeRefusal(safe.why)}; not read (set allow-external: true to read it)`
        })
        continue
      }
      const lockValues = lock?.params[file] ?? undefined
      const line = unit.lines.stage(unit.lockName)
      /** A params file that cannot be compared key by key: one entry for the whole file. */
      const wholeFile = (status: 'refused' | 'deleted' | 'new', note: string): void => {
        entries.push({
          kind: 'param',
          path: file,
          status,
          hash: 'params',
          note,
          ...(line ? { lockLine: line } : {})
        })
      }
      const kind = fileKind(safe.abs)
      if (kind !== 'missing' && kind !== 'file' && kind !== 'directory') {
        ctx.refused.push({ path: file, reason: `is ${describeKind(kind)}` })
        changedDeps[key] = 'modified'
        wholeFile('refused', `${file} is ${describeKind(kind)}; only regular files are read`)
        continue
      }
      if (kind !== 'file') {
        changedDeps[key] = 'deleted'
        wholeFile('deleted', 'params file is missing')
        continue
      }
      if (lock?.params[file] === undefined) {
        changedDeps[key] = 'new'
        wholeFile('new', 'no params recorded in dvc.lock')
        continue
      }
      const config = await ctx.loadParams(safe, key)
      const checks = compareParams(keys, lockValues ?? {}, config)
      const changed: Record<string, string> = {}
      for (const c of checks) {
        const pline = unit.lines.param(unit.lockName, file, c.key)
        entries.push({
          kind: 'param',
          path: file,
          key: c.key,
          hash: 'params',
          status: c.status,
          ...(c.expected === undefined ? {} : { expected: JSON.stringify(toPlain(c.expected)) }),
          ...(c.actual === undefined ? {} : { actual: JSON.stringify(toPlain(c.actual)) }),
          ...(pline ? { lockLine: pline } : {})
        })
        if (c.status !== 'unchanged') changed[c.key] = c.status
      }
      if (Object.keys(changed).length > 0) changedDeps[key] = changed
    }
  }
  const outResults = await Promise.all(
    stage.outs.map(o => checkData(ctx, unit, 'out', o.path, lockOuts.get(o.path), o.cache))
  )
  outResults.forEach((r, i) => {
    entries.push(r.report)
    if (r.dvc) changedOuts[statusKey(stage.wdir, stage.outs[i]!.path)] = r.dvc
  })

  // Imports: the source is another repository or a URL, which a verifier without network
  // access does not reach; listed so the lineage names it, never reported as a change.
  for (const source of stage.dvcFile?.imports ?? []) {
    entries.push({
      kind: 'dep',
      path: source.path,
      status: 'not-checked',
      note: source.repo
        ? `imported from ${source.repo.url}${source.repo.revLock ? ` at ${source.repo.revLock}` : ''}; whether an update is available needs that repository (\`dvc status\` with network access asks it)`
        : `imported from a ${source.remote} URL; the source is not fetched (\`dvc status\` with network access asks it)`
    })
  }
  const hasDeps =
    stage.deps.length > 0 || stage.params.length > 0 || (stage.dvcFile?.imports.length ?? 0) > 0
  // A callback stage (a cmd, no deps, no outs) is always changed; a `dvc add` file has no cmd.
  const hasCmd = stage.dvcFile
    ? Array.isArray(stage.cmd)
      ? stage.cmd.length > 0
      : stage.cmd !== ''
    : true
  const alwaysChanged = stage.alwaysChanged || (hasCmd && !hasDeps && stage.outs.length === 0)
  const cmdChanged = !stage.dvcFile && lock !== undefined && !pyEquals(lock.cmd, stage.cmd)
  const checksumChanged = stage.dvcFile?.checksumChanged ?? false
  const dvcStatus: DvcStatusItem[] = []
  if (Object.keys(changedDeps).length > 0) dvcStatus.push({ 'changed deps': changedDeps })
  if (Object.keys(changedOuts).length > 0) dvcStatus.push({ 'changed outs': changedOuts })
  if (alwaysChanged) dvcStatus.push('always changed')
  if (cmdChanged) dvcStatus.push('changed command')
  if (checksumChanged) dvcStatus.push('changed checksum')
  return {
    name: stage.name,
    ...(checksumChanged ? { checksumChanged } : {}),
    neverRun: lock === undefined,
    frozen: stage.frozen,
    alwaysChanged,
    cmdChanged,
    ...(lock ? { expectedCmd: lock.cmd } : {}),
    actualCmd: stage.cmd,
    entries,
    dvcStatus
  }
}
