import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { MemoryLogger } from '../../../src/core/logger.js'
import { checkGit } from '../../../src/dvc/git-checks.js'
import { createGitRunner } from '../../../src/git/git.js'
import { OUTPUT } from '../../harness/paths.js'
import { run } from './project-generator.js'

// checkGit on real repositories: it starts all its git commands at once and reads the answers
// together, so each question (repository, HEAD, prefix, tracked, dirty) is checked here.
const base = path.join(OUTPUT, 'lineage')
mkdirSync(base, { recursive: true })
const made: string[] = []
afterAll(() => made.forEach(dir => rmSync(dir, { recursive: true, force: true })))

function repo(options: { sub?: string; commit?: boolean } = {}): { top: string; root: string } {
  const top = mkdtempSync(path.join(base, 'git-checks-'))
  made.push(top)
  const root = options.sub ? path.join(top, options.sub) : top
  mkdirSync(path.join(root, 'data'), { recursive: true })
  run('git', ['init', '-q', '-b', 'main'], top)
  for (const file of ['dvc.yaml', 'dvc.lock', 'params.yaml', 'data/a.txt'])
    writeFileSync(path.join(root, file), `${file}\n`)
  if (options.commit !== false) {
    run('git', ['add', '-A'], top)
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init'], top)
  }
  return { top, root }
}

const pipeline = ['dvc.yaml', 'dvc.lock', 'params.yaml']
const check = (root: string, requireClean = true) =>
  checkGit(createGitRunner(new MemoryLogger(), root), root, pipeline, ['data'], requireClean)

describe('git checks', () => {
  it('a clean repository: HEAD, empty prefix, no problems', async () => {
    const { top, root } = repo()
    const facts = await check(root)
    expect(facts.head).toBe(run('git', ['rev-parse', 'HEAD'], top).trim())
    expect(facts.prefix).toBe('')
    expect(facts.problems).toEqual([])
  })

  it('a project in a subfolder: the prefix, and dirty files named from the repository top', async () => {
    const { root } = repo({ sub: 'ml/project' })
    writeFileSync(path.join(root, 'dvc.lock'), 'changed\n')
    writeFileSync(path.join(root, 'data', 'a.txt'), 'changed\n')
    const facts = await check(root)
    expect(facts.prefix).toBe('ml/project/')
    expect([...facts.problems].sort()).toEqual([
      'dependency ml/project/data/a.txt has uncommitted changes (require-clean-git is true); commit or discard them',
      'ml/project/dvc.lock has uncommitted changes; commit them or reset the file'
    ])
    // Without require-clean-git a dirty dependency is not a problem; the lock still is.
    expect((await check(root, false)).problems).toEqual([
      'ml/project/dvc.lock has uncommitted changes; commit them or reset the file'
    ])
  })

  it('an uncommitted params file is named as not committed', async () => {
    const { top, root } = repo()
    run('git', ['rm', '-q', '--cached', 'params.yaml'], top)
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'untrack'], top)
    expect((await check(root)).problems).toEqual([
      'params.yaml is not committed to git; commit it so the lineage is part of the commit'
    ])
  })

  it('outside a repository: one problem, no HEAD', async () => {
    const dir = mkdtempSync(path.join('/tmp', 'lineage-no-git-'))
    made.push(dir)
    const facts = await check(dir)
    expect(facts.head).toBe('')
    expect(facts.problems).toEqual([
      `${dir} is not inside a git repository; check out the repository (actions/checkout) before lineage-check`
    ])
  })

  it('a repository without a commit: the error names HEAD', async () => {
    const { root } = repo({ commit: false })
    await expect(check(root)).rejects.toThrow(/git rev-parse HEAD failed/)
  })
})
