import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DvcIgnore } from '../../../src/dvc/dvcignore.js'
import { manifestRelpathEscapes, resolveProjectPath } from '../../../src/files/paths.js'

describe('.dvcignore (gitignore semantics)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lineage-ignore-'))
  writeFileSync(
    path.join(root, '.dvcignore'),
    '# comment\n*.tmp\n/top-only\nlogs/\ndata/**/cache\n!keep.tmp\n'
  )
  mkdirSync(path.join(root, 'sub'))
  writeFileSync(path.join(root, 'sub', '.dvcignore'), 'local.txt\n')
  const ignore = new DvcIgnore(root)
  it.each([
    ['a.tmp', false, true],
    ['deep/x/b.tmp', false, true],
    ['keep.tmp', false, false],
    ['top-only', false, true],
    ['x/top-only', false, false],
    ['logs', true, true],
    ['logs', false, false],
    ['x/logs/a.txt', false, true],
    ['data/a/b/cache', true, true],
    ['data/cache', true, true],
    ['sub/local.txt', false, true],
    ['local.txt', false, false],
    ['.git/config', false, true],
    ['x/.dvc/cache', true, true],
    ['plain.txt', false, false]
  ])('%s (dir: %p) ignored: %p', (rel, isDir, ignored) => {
    expect(ignore.isIgnored(rel, isDir)).toBe(ignored)
  })
})

describe('path safety', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lineage-paths-'))
  const outside = mkdtempSync(path.join(os.tmpdir(), 'lineage-outside-'))
  symlinkSync(outside, path.join(root, 'link-out'))
  mkdirSync(path.join(root, 'in'))
  symlinkSync(path.join(root, 'in'), path.join(root, 'link-in'))
  const real = realpathSync(root)
  it.each([
    ['/etc/passwd', 'absolute'],
    ['../x', 'parent-reference'],
    ['a/../../x', 'parent-reference'],
    ['C:\\x', 'absolute'],
    ['link-out/secret', 'symlink-escape'],
    ['link-out', 'symlink-escape']
  ])('refuses %s (%s)', (written, why) => {
    expect(resolveProjectPath(root, real, '.', written, false)).toMatchObject({ ok: false, why })
    expect(resolveProjectPath(root, real, '.', written, true)).toMatchObject({
      ok: true,
      external: true,
      why
    })
  })
  it('accepts paths inside, including through in-project symlinks and wdir', () => {
    expect(resolveProjectPath(root, real, '.', 'link-in/file', false)).toMatchObject({
      ok: true,
      external: false
    })
    expect(resolveProjectPath(root, real, 'in', 'x.txt', false)).toMatchObject({
      ok: true,
      abs: path.join(root, 'in', 'x.txt')
    })
  })
  it('refuses escaping .dir manifest relpaths', () => {
    expect(['../x', '/etc/x', 'a/../../b', 'a\\b', 'C:x'].map(manifestRelpathEscapes)).toEqual([
      true,
      true,
      true,
      true,
      true
    ])
    expect(manifestRelpathEscapes('a/b..c/d')).toBe(false)
  })
})
