import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ActionError, renderError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { createGitRunner, GitCommandError } from '../../../src/git/git.js'

describe('a failing git command', () => {
  it('is an expected failure (an ActionError) naming the command and what git said, not a bug', async () => {
    // A real repository with no commits: `rev-parse HEAD` fails there.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-git-'))
    execFileSync('git', ['init', '-q', dir])
    const git = createGitRunner(new MemoryLogger(), dir)
    const error = await git.run(['rev-parse', '--verify', 'HEAD']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitCommandError)
    expect(error).toBeInstanceOf(ActionError)
    const message = renderError(error, f => f)
    expect(message).toMatch(/^git rev-parse --verify HEAD failed \(exit 128\): fatal: /)
    expect((error as GitCommandError).result.code).toBe(128)
    // With allowFailure the caller decides: nothing is thrown.
    expect((await git.run(['rev-parse', '--verify', 'HEAD'], { allowFailure: true })).code).toBe(
      128
    )
  })
})
