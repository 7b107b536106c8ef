/** A full or abbreviated commit id: anything else must never reach a command a person pastes. */
const COMMIT = /^[0-9a-f]{7,64}$/

/**
 * The commands that rebuild a version's model from its commit: DVC's own way (`dvc pull` then
 * `dvc repro`, and `dvc status` to confirm the workspace matches dvc.lock). The commit comes from
 * the audit trail or the run's tags, so it is checked to be a commit id before it is printed;
 * an empty list means there is no commit to start from.
 */
export function reproduceCommands(commit: string | null, repository?: string): string[] {
  if (commit === null || !COMMIT.test(commit)) return []
  const clone =
    repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)
      ? [`git clone https://github.com/${repository}.git && cd ${repository.split('/')[1]}`]
      : []
  return [
    ...clone,
    `git checkout ${commit}`,
    'dvc pull',
    'dvc repro',
    'dvc status   # "Data and pipelines are up to date." means the same model'
  ]
}
