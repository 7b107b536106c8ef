import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import { guardPath, guardRoot, requireAccepted, type GuardRoot } from '../files/paths.js'
import { readAcceptedSync } from '../files/read.js'
import { parseDvcFile } from './dvc-file.js'
import { ALWAYS_IGNORED, DvcIgnore } from './dvcignore.js'
import { indexDvcFileLines, indexLockLines, type LockLines } from './lock-lines.js'
import { resolveProject, type ModelArtifact, type ResolvedStage } from './project.js'
import { lockFileSchema, type LockFile, type LockStage } from './schema.js'
import { statusKey } from './stage-status.js'
import { parseYaml } from './yaml-file.js'

/**
 * Every stage `dvc status` (no targets) checks, collected the way dvc/repo/index.py
 * collect_files does: a top-down walk of the project for `dvc.yaml` and `*.dvc` files, skipping
 * `.git`/`.hg`/`.dvc`, `.dvcignore`d and git-ignored paths, sub-repositories (folders with their
 * own `.dvc`) and folders that are outputs of a stage already collected.
 */

/** One stage, from whichever file defines it, with its lock entry. */
export interface StageUnit {
  /** Named as `dvc status` names it from the project root; paths in it are root-relative. */
  stage: ResolvedStage
  /** The stage's key in its lock file (a `.dvc` file is its own lock: its path). */
  lockName: string
  lock: LockStage | undefined
  lines: LockLines
  /** The file that holds the lock entry, relative to the project root. */
  lockFile: string
  /** The file that defines the stage. */
  defFile: string
}

/** A file whose bytes are the lineage (every dvc.yaml, dvc.lock and `.dvc` file). */
export interface LineageFile {
  path: string
  sha256: string
}

export interface CollectedProject {
  units: StageUnit[]
  /** `artifacts:` of every dvc.yaml; paths relative to the project root. */
  artifacts: ModelArtifact[]
  files: LineageFile[]
  /** The folders (relative to the root, '.' for it) holding a dvc.yaml. */
  pipelines: string[]
  dvcFiles: string[]
}

/** Past any real project (treeverse/dvc#10772 reports 2,105 `.dvc` files as large). */
export const MAX_DVC_FILES = 50_000

/** A lock hash: 32 hex digits, `.dir` for a directory. Anything else is never used as a path. */
const LOCK_MD5 = /^[0-9a-f]{32}(?:\.dir)?$/i

/**
 * Every md5 in a lock must be a hash before it becomes a cache path: `../../etc/passwd` as an
 * md5 would otherwise let a lock probe which files exist on the runner.
 */
function checkLockHashes(
  display: string,
  stages: Record<string, LockStage>,
  text: string,
  lines: LockLines
): void {
  const textLines = text.split('\n')
  for (const [name, stage] of Object.entries(stages)) {
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
        const who = display.endsWith('.dvc') ? display : `stage '${name}'`
        throw new ConfigurationError(
          `${display}:${line}: ${who} ${section.slice(0, -1)} ${JSON.stringify(entry.path)} has md5 ${JSON.stringify(bad.slice(0, 80))}, which is not 32 hex digits (with .dir for a directory); ${display.endsWith('.dvc') ? 're-create it with `dvc add`' : 'regenerate it with `dvc repro`'}`,
          { location: { file: display, line } }
        )
      }
    }
  }
}

class Collector {
  readonly units: StageUnit[] = []
  readonly artifacts: ModelArtifact[] = []
  readonly files: LineageFile[] = []
  readonly pipelines: string[] = []
  readonly dvcFiles: string[] = []
  /** Outputs collected so far (root-relative): DVC does not look for stage files inside them. */
  readonly outs = new Set<string>()
  private readonly base: GuardRoot

  constructor(
    readonly root: string,
    private readonly allowExternal: boolean
  ) {
    this.base = guardRoot(root)
  }

  private read(rel: string): Buffer | undefined {
    const bytes = readAcceptedSync(
      requireAccepted(guardPath(this.base, rel, { allowExternal: this.allowExternal }), rel),
      { display: rel }
    )
    if (bytes) this.files.push({ path: rel, sha256: sha256(bytes) })
    return bytes
  }

  pipeline(dir: string): void {
    const yamlDisplay = dir === '.' ? 'dvc.yaml' : `${dir}/dvc.yaml`
    const lockDisplay = dir === '.' ? 'dvc.lock' : `${dir}/dvc.lock`
    const yamlText = this.read(yamlDisplay)!.toString('utf8')
    const lockBytes = this.read(lockDisplay)
    if (!lockBytes)
      throw new ConfigurationError(
        `${yamlDisplay} has no dvc.lock beside it, so none of its stages was ever run; run \`dvc repro\` there and commit ${lockDisplay}`,
        { location: { file: yamlDisplay } }
      )
    const project = resolveProject(
      { base: this.base, allowExternal: this.allowExternal },
      parseYaml(yamlText, yamlDisplay),
      yamlText,
      { dir, display: yamlDisplay }
    )
    const lockText = lockBytes.toString('utf8')
    const lock = parseLock(lockText, lockDisplay)
    const lines = indexLockLines(lockText)
    checkLockHashes(lockDisplay, lock.stages, lockText, lines)
    this.pipelines.push(dir)
    for (const stage of project.stages) {
      const lockName = stage.name
      // DVC's addressing from the root: the name for the root dvc.yaml, else `sub/dvc.yaml:name`.
      const name = dir === '.' ? lockName : `${yamlDisplay}:${lockName}`
      this.units.push({
        stage: { ...stage, name },
        lockName,
        lock: lock.stages[lockName],
        lines,
        lockFile: lockDisplay,
        defFile: yamlDisplay
      })
      for (const out of stage.outs) this.outs.add(statusKey(stage.wdir, out.path))
    }
    for (const a of project.artifacts)
      this.artifacts.push({
        ...a,
        name: dir === '.' ? a.name : `${dir}:${a.name}`,
        path: statusKey(dir, a.path)
      })
  }

  dvcFile(rel: string): void {
    if (this.dvcFiles.length >= MAX_DVC_FILES)
      throw new ConfigurationError(
        `the project holds more than ${MAX_DVC_FILES} .dvc files, more than lineage-check reads; track folders instead of single files`
      )
    const bytes = this.read(rel)
    if (!bytes) return
    const text = bytes.toString('utf8')
    const parsed = parseDvcFile(rel, text)
    const lines = indexDvcFileLines(text)
    checkLockHashes(rel, { [rel]: parsed.lock }, text, lines)
    this.dvcFiles.push(rel)
    this.units.push({
      stage: parsed.stage,
      lockName: rel,
      lock: parsed.lock,
      lines,
      lockFile: rel,
      defFile: rel
    })
    for (const out of parsed.stage.outs) this.outs.add(statusKey(parsed.stage.wdir, out.path))
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function parseLock(text: string, display: string): LockFile {
  const parsed = lockFileSchema.safeParse(parseYaml(text, display) ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const where = issue.path.join('.')
    throw new ConfigurationError(
      `${display}: ${where ? `${where}: ` : ''}${issue.message}; regenerate it with \`dvc repro\``,
      { location: { file: display } }
    )
  }
  return parsed.data
}

/** Walks the project and loads every stage file, as `dvc status` without targets does. */
export function collectProject(
  root: string,
  options: { allowExternal: boolean; dvcignore?: DvcIgnore }
): CollectedProject {
  const collector = new Collector(root, options.allowExternal)
  const dvcignore = options.dvcignore ?? new DvcIgnore(root)
  // DVC asks git (scm.is_ignored) too: git-ignored folders and files are not collected.
  const gitignore = new DvcIgnore(root, '.gitignore')
  const ignored = (rel: string, isDir: boolean): boolean =>
    (dvcignore.hasRulesFor(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)) &&
      dvcignore.isEntryIgnored(rel, isDir)) ||
    (gitignore.hasRulesFor(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)) &&
      gitignore.isEntryIgnored(rel, isDir))
  const queue: string[] = ['']
  while (queue.length > 0) {
    const sub = queue.shift()!
    const abs = sub ? path.join(root, sub) : root
    let entries
    try {
      entries = readdirSync(abs, { withFileTypes: true })
    } catch {
      continue // unreadable folder: DVC's walk skips it too
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const rel = (name: string): string => (sub ? `${sub}/${name}` : name)
    // dvc.yaml first, then the .dvc files: the report lists pipelines before data.
    const yaml = entries.find(e => e.name === 'dvc.yaml' && !e.isDirectory())
    if (yaml && !ignored(rel(yaml.name), false)) collector.pipeline(sub || '.')
    for (const e of entries)
      if (e.name.endsWith('.dvc') && e.name !== '.dvc' && !e.isDirectory())
        if (!ignored(rel(e.name), false)) collector.dvcFile(rel(e.name))
    for (const e of entries) {
      if (!e.isDirectory() || ALWAYS_IGNORED.has(e.name)) continue
      const r = rel(e.name)
      if (collector.outs.has(r) || ignored(r, true)) continue
      // A folder with its own .dvc is a sub-repository: DVC leaves it to itself.
      if (existsSync(path.join(abs, e.name, '.dvc'))) continue
      queue.push(r)
    }
  }
  if (collector.units.length === 0 && collector.pipelines.length === 0)
    throw new ConfigurationError(
      `${root} holds no dvc.yaml and no .dvc file outside ignored folders, so it is not the root of a DVC project with tracked data; run lineage-check in the folder that holds .dvc/ (run \`dvc repro\` or \`dvc add\` and commit the files)`
    )
  return {
    units: collector.units,
    artifacts: collector.artifacts,
    files: collector.files,
    pipelines: collector.pipelines,
    dvcFiles: collector.dvcFiles
  }
}
