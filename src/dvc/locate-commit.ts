import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { code, escapeText } from '../core/summary.js'
import type { GitRunner } from '../git/git.js'
import type { LineageMlflow } from './lineage-mlflow.js'
import { indexAtCommit, reproDiff, type ReproDiff } from './repro-diff.js'

/**
 * Where a version's lineage is (issue "Seed flow": each version is checked at its own commit).
 * MLflow records the commit checked out while `dvc repro` trains; the lock from that repro is
 * committed after it. The lineage commit is therefore the run's commit, or the first descendant
 * on the default branch's history that adds a lock (dvc.lock or a .dvc file) while differing
 * from the run's commit only in what `dvc repro` writes (repro-diff.ts). It must be on the
 * default branch's history, which only a reviewed merge can change.
 */
export interface LineageCommit {
  /** The commit to check the lineage at. */
  commit: string
  /** The commit the run recorded (mlflow.source.git.commit). */
  runCommit: string
  /** The default branch head whose history holds both. */
  defaultHead: string
  /** How it was found, for the summary. */
  reason: string
  /** The changes between the run's commit and the lineage commit, when they differ. */
  diff?: ReproDiff
}

/** How many descendants of the run's commit are looked at: a version is promoted soon after. */
const MAX_CANDIDATES = 200

export async function resolveDefaultHead(
  git: GitRunner,
  root: string,
  defaultBranch: string
): Promise<string> {
  if (!/^[\w./-]+$/.test(defaultBranch) || defaultBranch.startsWith('-'))
    throw new ConfigurationError(
      `the default branch name '${defaultBranch}' is not a branch name git accepts`
    )
  for (const ref of [`refs/remotes/origin/${defaultBranch}`, `refs/heads/${defaultBranch}`]) {
    const found = await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: root,
      allowFailure: true
    })
    if (found.code === 0) return found.stdout.trim()
  }
  throw new ConfigurationError(
    `the default branch '${defaultBranch}' is not in this clone; check out with full history (actions/checkout fetch-depth: 0)`
  )
}

export async function locateLineageCommit(options: {
  git: GitRunner
  root: string
  runId: string
  runCommit: string
  defaultBranch: string
}): Promise<LineageCommit> {
  const { git, root, runCommit } = options
  const short = runCommit.slice(0, 12)
  const exists = await git.run(['cat-file', '-e', `${runCommit}^{commit}`], {
    cwd: root,
    allowFailure: true
  })
  if (exists.code !== 0)
    throw new ConfigurationError(
      `run ${options.runId} was recorded at commit ${runCommit}, which is not in this clone: it was never pushed, or the checkout is shallow (actions/checkout fetch-depth: 0)`
    )
  const defaultHead = await resolveDefaultHead(git, root, options.defaultBranch)
  const onDefault = await git.run(['merge-base', '--is-ancestor', runCommit, defaultHead], {
    cwd: root,
    allowFailure: true
  })
  if (onDefault.code !== 0)
    throw new ConfigurationError(
      `run ${options.runId} was recorded at commit ${short}, which is not on the history of the default branch '${options.defaultBranch}' (${defaultHead.slice(0, 12)}); only lineage the default branch holds is checked: merge that commit, then train again or promote a version trained there`
    )
  const found = await firstLockCommit(git, root, runCommit, defaultHead)
  return {
    ...found,
    runCommit,
    defaultHead,
    reason: found.diff
      ? `commit ${found.commit.slice(0, 12)} holds the lock of the dvc repro that ran at ${short}; between them only ${found.diff.files.map(f => f.path).join(', ')} changed, as dvc repro writes them`
      : `the run's own commit ${short}: no later commit on the default branch adds a lock while changing only what dvc repro writes${found.stop}`
  }
}

/**
 * The commit that holds the lock of a `dvc repro` run at `runCommit`: the first descendant (up
 * to `tip`, along the ancestry path) that changes a lock file while differing from `runCommit`
 * only in what dvc repro writes; else `runCommit` itself (its lock was already committed).
 */
export async function firstLockCommit(
  git: GitRunner,
  root: string,
  runCommit: string,
  tip: string
): Promise<{ commit: string; diff?: ReproDiff; stop: string }> {
  const candidates = (
    await git.run(
      ['rev-list', '--reverse', '--topo-order', '--ancestry-path', `${runCommit}..${tip}`],
      { cwd: root }
    )
  ).stdout
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
    // The oldest first (--max-count would keep the newest).
    .slice(0, MAX_CANDIDATES)
  for (const candidate of candidates) {
    const diff = await reproDiff(
      git,
      root,
      runCommit,
      candidate,
      await indexAtCommit(git, root, candidate)
    )
    if (!diff.ok) {
      const bad = diff.files.find(f => !f.ok)!
      return {
        commit: runCommit,
        stop: ` (${candidate.slice(0, 12)} changes ${bad.path}: ${bad.why})`
      }
    }
    if (diff.files.some(f => f.why === 'lock file' || f.why === '.dvc file'))
      return { commit: candidate, diff, stop: '' }
  }
  return { commit: runCommit, stop: '' }
}

/** The version's (or run's) lineage commit, for the validate job to check out before checking. */
export async function findLineageCommit(options: {
  client: LineageMlflow
  git: GitRunner
  root: string
  modelName?: string | undefined
  version?: string | undefined
  runId?: string | undefined
  defaultBranch: string
  logger: Logger
}): Promise<LineageCommit & { runId: string; summary: string }> {
  const { client } = options
  const version =
    options.modelName && options.version
      ? await client.getModelVersion(options.modelName, options.version)
      : undefined
  const runId = options.runId ?? version?.run_id
  if (!runId)
    throw new ConfigurationError(
      `registered model '${options.modelName}' version ${options.version} has no run_id, so its lineage commit cannot be found; pass 'run-id'`
    )
  const run = await client.getRun(runId)
  const runCommit = run.data.tags.find(t => t.key === 'mlflow.source.git.commit')?.value
  const subject = version
    ? `version ${code(version.version)} of ${code(version.name)}`
    : `run ${code(runId)}`
  if (!runCommit || !/^[0-9a-f]{40}$/.test(runCommit)) {
    // Nothing ties the run to a commit: the check runs at the default branch's head and can
    // reach level 4 only, which the policy's minimum then judges.
    const defaultHead = await resolveDefaultHead(options.git, options.root, options.defaultBranch)
    const reason = `run ${runId} ${runCommit ? `records '${runCommit.slice(0, 60)}', which is not a commit id` : 'has no mlflow.source.git.commit tag'}; the lineage is checked at the head of '${options.defaultBranch}' and can reach level 4 only`
    options.logger.warning(reason)
    return {
      commit: defaultHead,
      runCommit: '',
      defaultHead,
      reason,
      runId,
      summary: `Lineage commit of ${subject}: \`${defaultHead}\` (${escapeText(reason)})`
    }
  }
  const found = await locateLineageCommit({
    git: options.git,
    root: options.root,
    runId,
    runCommit,
    defaultBranch: options.defaultBranch
  })
  return {
    ...found,
    runId,
    summary: `Lineage commit of ${subject}: \`${found.commit}\`; ${escapeText(found.reason)}.`
  }
}
