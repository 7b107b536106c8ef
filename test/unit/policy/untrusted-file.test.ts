import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { loadPolicy } from '../../../src/policy/index.js'
import { billionLaughs } from '../../harness/bombs.js'

/** The policy file is read through src/files like every repository file. */
function workspace(): { dir: string; outside: string } {
  const top = mkdtempSync(path.join(os.tmpdir(), 'policy-untrusted-'))
  const dir = path.join(top, 'repo')
  mkdirSync(path.join(dir, '.github'), { recursive: true })
  const outside = path.join(top, 'org-policy.yml')
  writeFileSync(outside, 'stages:\n  - name: Staging\n  - name: Production\n')
  return { dir, outside }
}

const load = (dir: string, policyFile?: string) =>
  loadPolicy({ workspace: dir, policyFile, logger: new MemoryLogger() })

describe('reading the policy file', () => {
  it('refuses a default-path symlink that leads outside the workspace, but reads an explicit path there', () => {
    const { dir, outside } = workspace()
    symlinkSync(outside, path.join(dir, '.github', 'model-governance.yml'))
    expect(() => load(dir)).toThrow(
      "Policy file .github/model-governance.yml resolves through a symlink to outside the project; it was not read (name it in 'policy-file' to read it from there"
    )
    expect(load(dir, outside).stages.map(s => s.name)).toEqual(['Staging', 'Production'])
  })

  it('refuses a FIFO without blocking, and an alias bomb with its line', () => {
    const { dir } = workspace()
    const file = path.join(dir, '.github', 'model-governance.yml')
    expect(spawnSync('mkfifo', [file]).status).toBe(0)
    expect(() => load(dir)).toThrow('is a FIFO (named pipe); only regular files are read')
    const bomb = path.join(dir, 'bomb.yml')
    writeFileSync(bomb, billionLaughs())
    const error = (() => {
      try {
        load(dir, 'bomb.yml')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).message).toMatch(/^bomb\.yml:7: aliases expand/)
  })
})
