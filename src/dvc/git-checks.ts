import path from 'node:path'
import type { GitResult, GitRunner } from '../git/git.js'

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
  // Every command starts at once: they are independent, and lineage-check runs them while the
  // data are hashed. A failed command is run again below only to raise its own error.
  const start = (args: string[]): { args: string[]; result: Promise<GitResult> } => ({
    args,
    result: git.run(args, { cwd: root, allowFailure: true })
  })
  // One rev-parse answers all three questions; when it fails, the single questions below say
  // which part did (outside a repository, or no commit yet).
  const facts = start(['rev-parse', '--is-inside-work-tree', '--show-prefix', 'HEAD'])
  const lsFiles = start(['ls-files', '-z', '--', ...pipelineFiles])
  // Untracked files never show with --untracked-files=no, so all pipeline files can be asked,
  // together with the deps when they must be clean too.
  // --no-optional-locks: plain `git status` refreshes .git/index, and we write nothing.
  const status = start([
    '--no-optional-locks',
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=no',
    '--',
    ...(requireClean ? [...pipelineFiles, ...deps] : pipelineFiles)
  ])
  const [factsResult] = await Promise.all([facts.result, lsFiles.result, status.result])
  let [inside, prefix, head] = factsResult.stdout.split('\n').map(line => line.trim())
  if (factsResult.code !== 0) {
    inside = (
      await git.run(['rev-parse', '--is-inside-work-tree'], { cwd: root, allowFailure: true })
    ).stdout.trim()
    if (inside === 'true') {
      head = (await git.run(['rev-parse', 'HEAD'], { cwd: root })).stdout.trim()
      prefix = (await git.run(['rev-parse', '--show-prefix'], { cwd: root })).stdout.trim()
    }
  }
  if (inside !== 'true') {
    return {
      head: '',
      prefix: '',
      problems: [
        `${root} is not inside a git repository; check out the repository (actions/checkout) before lineage-check`
      ]
    }
  }
  head ??= ''
  prefix ??= ''
  const output = async (cmd: { args: string[]; result: Promise<GitResult> }): Promise<string> => {
    const result = await cmd.result
    if (result.code === 0) return result.stdout
    return (await git.run(cmd.args, { cwd: root })).stdout
  }
  const tracked = new Set(
    (await output(lsFiles))
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
  // Porcelain paths are relative to the repository top; ours to the DVC project root.
  const pipelineSet = new Set(pipelineFiles.map(f => path.posix.normalize(f)))
  const depKeys = deps.map(d => path.posix.normalize(d))
  for (const changed of (await output(status))
    .split('\0')
    .filter(Boolean)
    .map(line => line.slice(3))) {
    const local = changed.startsWith(prefix) ? changed.slice(prefix.length) : changed
    const isDep = requireClean && depKeys.some(d => local === d || local.startsWith(`${d}/`))
    // What is not a dep was asked for as a pipeline file (also those outside the project).
    if (pipelineSet.has(local) || !isDep)
      problems.push(`${changed} has uncommitted changes; commit them or reset the file`)
    if (isDep)
      problems.push(
        `dependency ${changed} has uncommitted changes (require-clean-git is true); commit or discard them`
      )
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
  commit: string,
  /** The lineage files to compare: every dvc.yaml, dvc.lock and .dvc file of the project. */
  files: string[] = ['dvc.yaml', 'dvc.lock']
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
  for (const file of files) {
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
    reason: `${files.length === 2 && files.includes('dvc.yaml') && files.includes('dvc.lock') ? 'dvc.yaml and dvc.lock' : `the ${files.length} lineage files (${files.join(', ')})`} at ${commit.slice(0, 12)} are byte-identical to HEAD's`
  }
}
