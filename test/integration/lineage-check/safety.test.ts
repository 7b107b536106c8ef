import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger, silentLogger } from '../../../src/core/logger.js'
import { runLineageCheck } from '../../../src/dvc/lineage-check.js'
import { verifyLineage } from '../../../src/dvc/verify.js'
import { createGitRunner } from '../../../src/git/git.js'
import { DVC } from '../../harness/paths.js'
import { DvcReference } from './dvc-reference.js'
import { run } from './project-generator.js'
import { smallProject } from './small-project.js'

const reference = new DvcReference()
let dir: string
let outside: string
const SECRET = 'outside secret\n'

beforeAll(() => {
  dir = smallProject('safety')
  outside = mkdtempSync(path.join(os.tmpdir(), 'lineage-outside-'))
  writeFileSync(path.join(outside, 'secret.txt'), SECRET)
})
afterAll(() => {
  reference.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

/** Every path under the project with its size and mtime: proof nothing was written. */
function snapshot(root: string): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name)
      const st = statSync(path.join(root, r), { throwIfNoEntry: false })
      out.push(`${r} ${st?.size} ${st?.mtimeMs}`)
      if (e.isDirectory() && !e.isSymbolicLink()) walk(r)
    }
  }
  walk('')
  return out.sort()
}

function withStage(stage: Record<string, unknown>, lockStage: string): () => void {
  const yamlPath = path.join(dir, 'dvc.yaml')
  const lockPath = path.join(dir, 'dvc.lock')
  const [y, l] = [readFileSync(yamlPath, 'utf8'), readFileSync(lockPath, 'utf8')]
  writeFileSync(
    yamlPath,
    `${y.replace(
      'stages:\n',
      `stages:\n  evil:\n${Object.entries(stage)
        .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
        .join('\n')}\n`
    )}`
  )
  writeFileSync(lockPath, l.replace('stages:\n', `stages:\n${lockStage}`))
  return () => {
    writeFileSync(yamlPath, y)
    writeFileSync(lockPath, l)
  }
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')

describe('bad input is refused, never read', () => {
  it.each([
    [
      'a path with ..',
      () => path.relative(dir, path.join(outside, 'secret.txt')),
      'parent-reference'
    ],
    ['an absolute path', () => path.join(outside, 'secret.txt'), 'absolute'],
    ['a symlink to outside the project', () => 'link/secret.txt', 'symlink-escape']
  ])('%s in dvc.yaml/dvc.lock', async (_name, depOf, why) => {
    rmSync(path.join(dir, 'link'), { force: true })
    symlinkSync(outside, path.join(dir, 'link'))
    const dep = depOf()
    const restore = withStage(
      { cmd: 'true', deps: [dep] },
      `  evil:\n    cmd: 'true'\n    deps:\n    - path: ${dep}\n      hash: md5\n      md5: ${md5(SECRET)}\n      size: 15\n`
    )
    try {
      const refused = await verifyLineage({
        root: dir,
        missingData: 'fail',
        allowExternal: false,
        logger: silentLogger
      })
      const entry = refused.stages.find(s => s.name === 'evil')!.entries[0]!
      expect(entry).toMatchObject({ status: 'refused', path: dep })
      expect(entry.actual).toBeUndefined()
      expect(refused.verified).toBe(false)
      expect(refused.refused.map(r => r.reason)).toContain(
        why === 'absolute'
          ? 'is an absolute path'
          : why === 'parent-reference'
            ? "contains '..' leading outside the project"
            : 'resolves through a symlink to outside the project'
      )
      // With allow-external the same file is read, and its hash matches what the lock says.
      const allowed = await verifyLineage({
        root: dir,
        missingData: 'fail',
        allowExternal: true,
        logger: silentLogger
      })
      expect(allowed.stages.find(s => s.name === 'evil')!.entries[0]).toMatchObject({
        status: 'unchanged',
        actual: md5(SECRET)
      })
    } finally {
      restore()
      rmSync(path.join(dir, 'link'), { force: true })
    }
  })

  it('skips a symlinked file inside a tracked directory that leads outside, and a manifest relpath that escapes', async () => {
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'model', 'leak.txt'))
    const lock = readFileSync(path.join(dir, 'dvc.lock'), 'utf8')
    const dirMd5 = /path: model\n\s+hash: md5\n\s+md5: ([0-9a-f]{32})\.dir/.exec(lock)![1]!
    const manifestPath = path.join(
      dir,
      '.dvc',
      'cache',
      'files',
      'md5',
      dirMd5.slice(0, 2),
      `${dirMd5.slice(2)}.dir`
    )
    const manifest = readFileSync(manifestPath)
    try {
      writeFileSync(
        manifestPath,
        JSON.stringify([{ md5: md5(SECRET), relpath: '../../../../etc/passwd' }])
      )
      const report = await verifyLineage({
        root: dir,
        missingData: 'fail',
        allowExternal: false,
        logger: silentLogger
      })
      const reasons = report.refused.map(r => `${r.path}: ${r.reason}`)
      expect(reasons).toContain('model/leak.txt: resolves through a symlink to outside the project')
      expect(reasons).toContain(
        'model (.dir manifest) ../../../../etc/passwd: manifest relpath escapes its directory'
      )
      // The leak was not hashed into the directory: the workspace .dir still equals the lock.
      // But a refused entry fails the check: the verdict is not `verified`.
      const entry = report.stages
        .find(s => s.name === 'train')!
        .entries.find(e => e.path === 'model')!
      expect(entry).toMatchObject({ actual: `${dirMd5}.dir`, status: 'refused' })
      expect(entry.note).toContain('leak.txt (a symlink leading outside the project)')
      expect(report.verified).toBe(false)
      expect(report.problems.map(p => p.message)).toContainEqual(
        expect.stringContaining("stage 'train': out model is refused")
      )
      expect(JSON.stringify(report)).not.toContain(SECRET.trim())
    } finally {
      writeFileSync(manifestPath, manifest)
      rmSync(path.join(dir, 'model', 'leak.txt'))
    }
  })

  it('writes nothing into the workspace', async () => {
    const before = snapshot(dir)
    const logger = new MemoryLogger()
    await runLineageCheck({
      root: dir,
      lockDisplay: 'dvc.lock',
      missingData: 'fail',
      allowExternal: false,
      requireCleanGit: true,
      git: createGitRunner(logger, dir),
      logger
    })
    expect(snapshot(dir)).toEqual(before)
  })

  it('names file and line of malformed YAML, and refuses oversized files', async () => {
    const lockPath = path.join(dir, 'dvc.lock')
    const original = readFileSync(lockPath)
    try {
      writeFileSync(lockPath, "schema: '2.0'\nstages:\n  train:\n    cmd: [oops\n")
      const error = await verifyLineage({
        root: dir,
        missingData: 'fail',
        allowExternal: false,
        logger: silentLogger
      }).catch(e => e as ConfigurationError)
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as ConfigurationError).location).toMatchObject({
        file: 'dvc.lock',
        line: expect.any(Number)
      })
      writeFileSync(lockPath, `# ${'x'.repeat(17 * 1024 * 1024)}\n`)
      await expect(
        verifyLineage({
          root: dir,
          missingData: 'fail',
          allowExternal: false,
          logger: silentLogger
        })
      ).rejects.toThrow(/over the \d+-byte limit/)
      writeFileSync(lockPath, 'stages: {}\n')
      await expect(
        verifyLineage({
          root: dir,
          missingData: 'fail',
          allowExternal: false,
          logger: silentLogger
        })
      ).rejects.toThrow("schema: '2.0'")
    } finally {
      writeFileSync(lockPath, original)
    }
  })
})

describe('cross-stage consistency, which DVC does not check', () => {
  it('reports a frozen stage whose dep md5 no longer equals its producer out, while dvc status is clean', async () => {
    const other = smallProject('cross')
    try {
      writeFileSync(path.join(other, 'data.txt'), 'new data\n')
      run(DVC, ['repro', '-q'], other) // `report` is frozen: its lock keeps the old model.pkl md5
      const dvc = await reference.status(other)
      expect(dvc).toEqual({})
      const report = await verifyLineage({
        root: other,
        missingData: 'fail',
        allowExternal: false,
        logger: silentLogger
      })
      expect(report.stages.every(s => s.dvcStatus.length === 0)).toBe(true)
      expect(report.crossStage).toEqual([
        expect.objectContaining({ stage: 'report', dep: 'model.pkl', producer: 'pack' })
      ])
      expect(report.verified).toBe(false)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})
