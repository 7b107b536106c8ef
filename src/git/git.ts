import { getExecOutput } from '@actions/exec'
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

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`
    )
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
