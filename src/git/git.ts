import { getExecOutput } from '@actions/exec'
import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs git; injected so domain code is testable and every command is debug-logged in one place. */
export interface GitRunner {
  run(
    args: string[],
    options?: { cwd?: string; allowFailure?: boolean; input?: string; env?: NodeJS.ProcessEnv }
  ): Promise<GitResult>
}

/**
 * A git command that failed: an expected failure the user can act on (a repository with no
 * commits, a branch that moved, a refused push), reported as its one-line message and not as a
 * bug in the suite. The message names the command and git's own last words.
 */
export class GitCommandError extends ActionError {
  readonly args: string[]
  readonly result: GitResult

  constructor(args: string[], result: GitResult) {
    const said = result.stderr.trim().split('\n').slice(-3).join(' ')
    super(`git ${args.join(' ')} failed (exit ${result.code})${said ? `: ${said}` : ''}`)
    this.args = args
    this.result = result
  }
}

/** The real runner: git through @actions/exec, silent, with each command logged at debug level. */
export function createGitRunner(logger: Logger, defaultCwd?: string): GitRunner {
  return {
    async run(args, options = {}) {
      const cwd = options.cwd ?? defaultCwd
      logger.debug(`git ${args.join(' ')}${cwd ? ` (in ${cwd})` : ''}`)
      const result = await getExecOutput('git', args, {
        ...(cwd ? { cwd } : {}),
        silent: true,
        ignoreReturnCode: true,
        ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {}),
        ...(options.env
          ? {
              env: {
                ...(process.env as Record<string, string>),
                ...(options.env as Record<string, string>)
              }
            }
          : {})
      })
      const out = { code: result.exitCode, stdout: result.stdout, stderr: result.stderr }
      if (out.code !== 0 && !options.allowFailure) throw new GitCommandError(args, out)
      return out
    }
  }
}
