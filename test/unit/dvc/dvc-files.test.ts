import { describe, expect, it } from '@jest/globals'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { collectProject } from '../../../src/dvc/collect.js'
import { dvcFileStageMd5, parseDvcFile } from '../../../src/dvc/dvc-file.js'
import { hashBuffers, hashFilesSync } from '../../../src/dvc/hash-file.js'
import { indexDvcFileLines } from '../../../src/dvc/lock-lines.js'
import { pyJsonDumps } from '../../../src/dvc/py-json.js'
import { PyFloat } from '../../../src/dvc/pyvalue.js'
import { statusKey } from '../../../src/dvc/stage-status.js'

// The two `.dvc` files DVC 3.67.1 wrote for `dvc import /tmp/srcrepo s.txt` and
// `dvc import-url /tmp/ext.txt`; their md5 is DVC's own stage md5.
const IMPORT = `md5: 5baa4f66783ce3d9deb20164a10f11ef
frozen: true
deps:
- path: s.txt
  repo:
    url: /tmp/srcrepo
    rev_lock: 49aa2f4d7cdab3a0bec5985e48d7140bc9cd1b51
outs:
- md5: 369990b384d3cb76276c5aa5c98725c9
  size: 4
  hash: md5
  path: s.txt
`
const IMPORT_URL = `md5: 2b507a2abfcf9d5cbf82f1e0d452b52b
frozen: true
deps:
- md5: aab7e3691d8e56dbebe8c22e116a21f4
  size: 4
  hash: md5
  path: /tmp/ext.txt
outs:
- md5: aab7e3691d8e56dbebe8c22e116a21f4
  size: 4
  hash: md5
  path: ext.txt
`

describe('.dvc files', () => {
  it("computes DVC's stage md5 of imports, and none for dvc add files", () => {
    expect(parseDvcFile('s.txt.dvc', IMPORT).stage.dvcFile?.checksumChanged).toBe(false)
    expect(parseDvcFile('ext.txt.dvc', IMPORT_URL).stage.dvcFile?.checksumChanged).toBe(false)
    // Size, frozen and meta are not part of it; the dep's md5 is.
    const edited = IMPORT_URL.replace('size: 4\n  hash', 'size: 5\n  hash').replace(
      'frozen: true',
      'meta: {a: 1}'
    )
    expect(parseDvcFile('ext.txt.dvc', edited).stage.dvcFile?.checksumChanged).toBe(false)
    const depEdited = IMPORT_URL.replace(
      '- md5: aab7e3691d8e56dbebe8c22e116a21f4',
      '- md5: 0ab7e3691d8e56dbebe8c22e116a21f4'
    )
    expect(parseDvcFile('ext.txt.dvc', depEdited).stage.dvcFile?.checksumChanged).toBe(true)
    expect(dvcFileStageMd5({ outs: [{ md5: 'x', path: 'a' }] })).toBeUndefined()
    // A dvc add file that carries a stage md5 (DVC 1 wrote one) is "changed checksum" for DVC 3.
    const added =
      'md5: 0123456789abcdef0123456789abcdef\nouts:\n- md5: 369990b384d3cb76276c5aa5c98725c9\n  path: a\n'
    expect(parseDvcFile('a.dvc', added).stage.dvcFile?.checksumChanged).toBe(true)
  })

  it('lists import sources apart from local deps, and outs relative to the file', () => {
    const parsed = parseDvcFile('data/s.txt.dvc', IMPORT)
    expect(parsed.stage.wdir).toBe('data')
    expect(parsed.stage.deps).toEqual([])
    expect(parsed.stage.dvcFile?.imports).toEqual([
      {
        path: 's.txt',
        repo: { url: '/tmp/srcrepo', revLock: '49aa2f4d7cdab3a0bec5985e48d7140bc9cd1b51' }
      }
    ])
    expect(parsed.stage.frozen).toBe(true)
    expect(statusKey(parsed.stage.wdir, parsed.stage.outs[0]!.path)).toBe('data/s.txt')
    const url = parseDvcFile('u.dvc', IMPORT_URL.replace('/tmp/ext.txt', 's3://bucket/x.csv'))
    expect(url.stage.dvcFile?.imports).toEqual([{ path: 's3://bucket/x.csv', remote: 's3' }])
    expect(parseDvcFile('e.dvc', IMPORT_URL).stage.deps).toEqual(['/tmp/ext.txt'])
    expect(statusKey('data', '/tmp/ext.txt')).toBe('/tmp/ext.txt')
  })

  it('refuses malformed files with the file named', () => {
    expect(() => parseDvcFile('bad.dvc', 'outs: {a: 1}\n')).toThrow(/bad.dvc: outs must be a list/)
    expect(() => parseDvcFile('bad.dvc', 'outs:\n- md5: 1\n')).toThrow(
      /bad.dvc: outs\[0\] has no path/
    )
    expect(() => parseDvcFile('bad.dvc', '[1, 2]\n')).toThrow(/bad.dvc is not a mapping/)
  })

  it("finds each entry's line", () => {
    const lines = indexDvcFileLines(IMPORT)
    expect(lines.entry('', 'outs', 's.txt')).toBe(9)
    expect(lines.entry('', 'deps', 's.txt')).toBe(4)
  })

  it("prints values as Python's json.dumps(sort_keys=True)", () => {
    expect(pyJsonDumps({ b: [1, new PyFloat(1), 'é'], a: null, c: true })).toBe(
      '{"a": null, "b": [1, 1.0, "\\u00e9"], "c": true}'
    )
  })
})

describe('collecting stage files as dvc status does', () => {
  it('skips .dvc/, git- and dvc-ignored paths, sub-repositories and outputs', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-collect-'))
    const w = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
      fs.writeFileSync(path.join(root, rel), text)
    }
    const added = (p: string): string =>
      `outs:\n- md5: d41d8cd98f00b204e9800998ecf8427e\n  hash: md5\n  path: ${p}\n`
    w('data/a.csv.dvc', added('a.csv'))
    w('data/folder.dvc', added('folder'))
    w('data/folder/inside.dvc', added('x')) // inside an output: not collected
    w('ignored-by-git/x.dvc', added('x'))
    w('.gitignore', '/ignored-by-git\n')
    w('skipped/y.dvc', added('y'))
    w('.dvcignore', 'skipped\n')
    w('subrepo/.dvc/config', '')
    w('subrepo/z.dvc', added('z'))
    w('.dvc/cache/w.dvc', added('w'))
    w('sub/dvc.yaml', 'stages:\n  s:\n    cmd: "true"\n    outs: [o]\n')
    w('sub/dvc.lock', "schema: '2.0'\nstages: {}\n")
    w('sub/o/deeper.dvc', added('d')) // inside the output of sub/dvc.yaml:s
    const collected = collectProject(root, { allowExternal: false })
    expect(collected.units.map(u => u.stage.name).sort()).toEqual([
      'data/a.csv.dvc',
      'data/folder.dvc',
      'sub/dvc.yaml:s'
    ])
    expect(collected.units.find(u => u.stage.name === 'sub/dvc.yaml:s')?.stage.wdir).toBe('sub')
    expect(collected.files.map(f => f.path).sort()).toEqual([
      'data/a.csv.dvc',
      'data/folder.dvc',
      'sub/dvc.lock',
      'sub/dvc.yaml'
    ])
    fs.mkdirSync(path.join(root, 'empty'))
    expect(() => collectProject(path.join(root, 'empty'), { allowExternal: false })).toThrow(
      /no dvc.yaml and no .dvc file/
    )
    fs.rmSync(root, { recursive: true, force: true })
  })
})

describe('small files hashed in one shot', () => {
  it('gives the same md5 as streaming, at every size around the read buffer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-oneshot-'))
    const read = hashBuffers().read.length
    for (const size of [0, 1, 4096, read - 1, read, read + 1, 3 * read + 7]) {
      const bytes = crypto.randomBytes(size)
      const file = path.join(dir, `f${size}`)
      fs.writeFileSync(file, bytes)
      const [result] = hashFilesSync({ fs, crypto }, [{ path: file, mode: 'md5' }])
      expect(result).toEqual({ md5: crypto.createHash('md5').update(bytes).digest('hex'), size })
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
