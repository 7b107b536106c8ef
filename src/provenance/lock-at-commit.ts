import yaml from 'js-yaml'
import { lockFileSchema } from '../dvc/schema.js'
import { loadYamlBounded } from '../files/parse.js'
import type { GitRunner } from '../git/git.js'

/** One stage of dvc.lock as it was at a commit: what went in and what came out. */
export interface LockedStage {
  name: string
  deps: { path: string; md5: string }[]
  params: { file: string; values: Record<string, unknown> }[]
  outs: { path: string; md5: string }[]
}

export type LockAtCommit =
  { commit: string; stages: LockedStage[] } | { commit: string; unavailable: string }

const COMMIT = /^[0-9a-f]{7,64}$/

/**
 * The root dvc.lock at a commit, read from git (`git show <commit>:dvc.lock`), so the data a
 * version was trained on can be named even after the workspace moved on. When the repository is
 * not at hand, the commit is unknown to it (a shallow clone) or has no dvc.lock, that is said,
 * never guessed.
 */
export async function lockAtCommit(
  git: GitRunner,
  cwd: string,
  commit: string
): Promise<LockAtCommit> {
  if (!COMMIT.test(commit)) return { commit, unavailable: 'the recorded commit is not a commit id' }
  const shown = await git.run(['show', `${commit}:dvc.lock`], { cwd, allowFailure: true })
  if (shown.code !== 0) {
    const said = shown.stderr.trim().split('\n').pop() ?? ''
    return {
      commit,
      unavailable: /does not exist|exists on disk, but not in/.test(said)
        ? `commit ${commit.slice(0, 12)} has no dvc.lock`
        : `commit ${commit.slice(0, 12)} is not in this repository (fetch it, or clone without --depth)`
    }
  }
  const label = `dvc.lock at ${commit.slice(0, 12)}`
  let parsed
  try {
    parsed = lockFileSchema.safeParse(loadYamlBounded(shown.stdout, label, yaml.CORE_SCHEMA))
  } catch (error) {
    return { commit, unavailable: `${label} could not be read: ${(error as Error).message}` }
  }
  if (!parsed.success) return { commit, unavailable: `${label} is not a DVC 3 lock file` }
  const entry = (e: {
    path: string
    md5?: string | undefined
    hash?: string | undefined
  }): { path: string; md5: string } => ({
    path: e.path,
    md5: e.md5 ?? ''
  })
  return {
    commit,
    stages: Object.entries(parsed.data.stages).map(([name, stage]) => ({
      name,
      deps: stage.deps.map(entry),
      params: Object.entries(stage.params).map(([file, values]) => ({
        file,
        values: values ?? {}
      })),
      outs: stage.outs.map(entry)
    }))
  }
}
