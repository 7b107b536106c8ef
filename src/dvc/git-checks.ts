import path from 'node:path'
import type { GitRunner } from '../git/git.js'

export interface GitFacts {
  head: string
  /** The DVC project root relative to the repository top ('' or 'sub/dir/'). */
  prefix: string
  problems: string[]
}

/**
 * dvc.yaml, dvc.lock and the params files must be committed and unchanged; with
 * require-clean-git, so must every tracked dependency (a dirty dep means the lock describes
 * something other than this commit).
 */
export async function checkGit(
  git: GitRunner,
  root: string,
  pipelineFiles: string[],
  deps: string[],
  requireClean: boolean
): Promise<GitFacts> {
  const problems: string[] = []
  const inside = await git.run(['rev-parse', '--is-inside-work-tree'], {
    cwd: root,
    allowFailure: true
  })
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
    return {
      head: '',
      prefix: '',
      problems: [
        `${root} is not inside a git repository; check out the repository (actions/checkout) before lineage-check`
      ]
    }
  }
  const head = (await git.run(['rev-parse', 'HEAD'], { cwd: root })).stdout.trim()
  const prefix = (await git.run(['rev-parse', '--show-prefix'], { cwd: root })).stdout.trim()
  const tracked = new Set(
    (await git.run(['ls-files', '-z', '--', ...pipelineFiles], { cwd: root })).stdout
      .split('\0')
      .filter(Boolean)
      .map(p => path.posix.normalize(p))
  )
  for (const file of pipelineFiles) {
    if (!tracked.has(path.posix.normalize(file)))
      problems.push(
        `${file} is not committed to git; commit it so the lineage is part of the commit`
      )
  }
  const status = async (paths: string[]): Promise<string[]> => {
    if (paths.length === 0) return []
    // --no-optional-locks: plain `git status` refreshes .git/index, and we write nothing.
    const out = await git.run(
      [
        '--no-optional-locks',
        'status',
        '--porcelain=v1',
        '-z',
        '--untracked-files=no',
        '--',
        ...paths
      ],
      { cwd: root }
    )
    return out.stdout
      .split('\0')
      .filter(Boolean)
      .map(line => line.slice(3))
  }
  for (const changed of await status(
    pipelineFiles.filter(f => tracked.has(path.posix.normalize(f)))
  )) {
    problems.push(`${changed} has uncommitted changes; commit them or reset the file`)
  }
  if (requireClean) {
    for (const changed of await status(deps)) {
      problems.push(
        `dependency ${changed} has uncommitted changes (require-clean-git is true); commit or discard them`
      )
    }
  }
  return { head, prefix, problems }
}

/**
 * The run's commit is acceptable when it is HEAD, or a commit whose dvc.yaml and dvc.lock are
 * byte-identical to HEAD's (same git blob ids), e.g. a later docs-only commit.
 */
export async function commitMatches(
  git: GitRunner,
  root: string,
  prefix: string,
  head: string,
  commit: string
): Promise<{ ok: boolean; reason: string }> {
  if (commit === head) return { ok: true, reason: 'equals HEAD' }
  const exists = await git.run(['cat-file', '-e', `${commit}^{commit}`], {
    cwd: root,
    allowFailure: true
  })
  if (exists.code !== 0) {
    return {
      ok: false,
      reason: `commit ${commit} is not in this clone; fetch full history (actions/checkout fetch-depth: 0) or check the run's mlflow.source.git.commit tag`
    }
  }
  for (const file of ['dvc.yaml', 'dvc.lock']) {
    const blob = async (rev: string): Promise<string> =>
      (
        await git.run(['rev-parse', '--verify', '--quiet', `${rev}:${prefix}${file}`], {
          cwd: root,
          allowFailure: true
        })
      ).stdout.trim()
    const [a, b] = await Promise.all([blob(commit), blob(head)])
    if (!a || a !== b)
      return { ok: false, reason: `commit ${commit.slice(0, 12)}'s ${file} differs from HEAD's` }
  }
  return {
    ok: true,
    reason: `dvc.yaml and dvc.lock at ${commit.slice(0, 12)} are byte-identical to HEAD's`
  }
}
