/** The directory relative paths resolve against: the runner's workspace, else the cwd. */
export function workspaceDir(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE?.trim() || process.cwd()
}
