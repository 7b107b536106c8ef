import path from 'node:path'
import type { GitRunner } from '../git/git.js'
import { lockFileSchema } from './schema.js'
import { parseYaml } from './yaml-file.js'

/**
 * What `dvc repro` writes and what the commit after it adds around it (issue "Seed flow", level
 * 3). MLflow records the commit checked out while `dvc repro` trains; the lock lands in the
 * commit after it. Between the two, only these may change:
 * - lock files (`dvc.lock`) and `.dvc` files;
 * - DVC-tracked outputs and metrics (outs of a stage, or paths inside one);
 * - `.gitignore` files, which `dvc add` and `dvc repro` write for their outputs;
 * - dependencies and params files whose content at the lineage commit matches dvc.lock (edited
 *   before `dvc repro`, so the run trained on them, and committed with the lock).
 * Anything else (a dvc.yaml edit, a file no stage reads) breaks the link.
 */
export interface PipelineIndex {
  /** Outs of every stage (metrics and plots included), relative to the project root. */
  outs: string[]
  /** Deps and params files of every stage, relative to the project root. */
  inputs: string[]
  /**
   * Whether an input's content at the lineage commit matches dvc.lock: known at the commit
   * being verified (from the hashes lineage-check computed); when locating that commit, not yet.
   */
  matches?: (key: string) => { ok: boolean; detail: string }
}

export interface DiffFile {
  path: string
  ok: boolean
  why: string
}

export interface ReproDiff {
  ok: boolean
  from: string
  to: string
  /** The commits after `from` up to `to`, oldest first (at most 50 listed). */
  commits: string[]
  files: DiffFile[]
}

const MAX_LISTED_COMMITS = 50

function under(key: string, dirs: string[]): string | undefined {
  return dirs.find(d => key === d || key.startsWith(`${d}/`))
}

export function classify(file: string, index: PipelineIndex): DiffFile {
  const base = path.posix.basename(file)
  if (base === 'dvc.lock') return { path: file, ok: true, why: 'lock file' }
  if (base.endsWith('.dvc')) return { path: file, ok: true, why: '.dvc file' }
  if (base === '.gitignore')
    return { path: file, ok: true, why: '.gitignore (dvc add and dvc repro write it)' }
  const out = under(file, index.outs)
  if (out) return { path: file, ok: true, why: `DVC output ${out}` }
  const input = under(file, index.inputs)
  if (input) {
    if (!index.matches)
      return { path: file, ok: true, why: `dependency ${input} (checked at the lineage commit)` }
    const match = index.matches(input)
    return {
      path: file,
      ok: match.ok,
      why: match.ok
        ? `dependency ${input}, which matches dvc.lock at the lineage commit`
        : `dependency ${input}, which does not match dvc.lock (${match.detail})`
    }
  }
  return {
    path: file,
    ok: false,
    why: 'not written by dvc repro and no stage reads it (neither a lock, .dvc file, output nor dependency)'
  }
}

/** The files between two commits of the project, each classified; `from` must be an ancestor. */
export async function reproDiff(
  git: GitRunner,
  root: string,
  from: string,
  to: string,
  index: PipelineIndex
): Promise<ReproDiff> {
  // --relative: paths relative to the project root, and only files inside it.
  const names = (
    await git.run(['diff', '--no-renames', '--name-only', '-z', '--relative', from, to, '--'], {
      cwd: root
    })
  ).stdout
    .split('\0')
    .filter(Boolean)
  const files = names.map(n => classify(n, index))
  const commits = (
    await git.run(
      ['rev-list', '--reverse', `--max-count=${MAX_LISTED_COMMITS}`, `${from}..${to}`],
      {
        cwd: root
      }
    )
  ).stdout
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  return { ok: files.every(f => f.ok), from, to, commits, files }
}

/**
 * The pipeline as dvc.lock files record it at a commit (read from git, not the workspace): what a
 * descendant commit may change for the run's commit to stay linked.
 */
export async function indexAtCommit(
  git: GitRunner,
  root: string,
  commit: string
): Promise<PipelineIndex> {
  const listed = (
    await git.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit], { cwd: root })
  ).stdout
  const prefix = (await git.run(['rev-parse', '--show-prefix'], { cwd: root })).stdout.trim()
  const locks = listed
    .split('\0')
    .filter(p => p.startsWith(prefix) && path.posix.basename(p) === 'dvc.lock')
  const index: PipelineIndex = { outs: [], inputs: [] }
  for (const lockPath of locks) {
    const show = await git.run(['show', `${commit}:${lockPath}`], { cwd: root, allowFailure: true })
    if (show.code !== 0) continue
    const parsed = lockFileSchema.safeParse(parseYaml(show.stdout, lockPath))
    if (!parsed.success) continue
    const dir = path.posix.dirname(lockPath.slice(prefix.length))
    const key = (p: string): string =>
      path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, p.replace(/\\/g, '/')))
    for (const stage of Object.values(parsed.data.stages)) {
      for (const o of stage.outs) index.outs.push(key(o.path))
      for (const d of stage.deps) index.inputs.push(key(d.path))
      for (const file of Object.keys(stage.params)) index.inputs.push(key(file))
    }
  }
  return index
}
