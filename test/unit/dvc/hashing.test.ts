import { describe, expect, it } from '@jest/globals'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { hashFilesSync, type HashMode } from '../../../src/dvc/hash-file.js'
import { HashPool } from '../../../src/dvc/hash-pool.js'
import { manifestBytes, manifestHash } from '../../../src/dvc/manifest.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-hash-'))
function hashBytes(bytes: Buffer, mode: HashMode): { md5: string; md5Dvc2?: string } {
  const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}`)
  fs.writeFileSync(file, bytes)
  const [result] = hashFilesSync(
    { fs, crypto },
    [{ path: file, mode }],
    Buffer.allocUnsafe(1024 * 1024)
  )
  if (!result || 'error' in result) throw new Error('not hashed')
  return result
}

const MiB = 1024 * 1024

describe('file hashes (vectors from shared/reference/dvc-lineage.md)', () => {
  it.each([
    [
      'empty',
      Buffer.alloc(0),
      'd41d8cd98f00b204e9800998ecf8427e',
      'd41d8cd98f00b204e9800998ecf8427e'
    ],
    [
      'foo CRLF (#9580)',
      Buffer.from('foo\r\n'),
      '2145971cf82058b108229a3a2e3bff35',
      'd3b07384d113edec49eaa6238ad5ff00'
    ],
    [
      'two CRLF lines',
      Buffer.from('line1\r\nline2\r\n'),
      'c6242222cf6ccdb15a43e0e5b1a08810',
      '4fcc82a88ee38e0aa16c17f512c685c9'
    ]
  ])('%s: plain md5 and legacy dos2unix', (_name, bytes, plain, legacy) => {
    expect(hashBytes(bytes, 'md5').md5).toBe(plain)
    expect(hashBytes(bytes, 'legacy').md5).toBe(legacy)
  })

  it('a binary first MiB then CRLF text: DVC 3 converts the second chunk, DVC 2 does not', () => {
    const bytes = Buffer.concat([Buffer.alloc(MiB), Buffer.from('a,b\r\n'.repeat(10))])
    expect(hashBytes(bytes, 'md5').md5).toBe('fc16fbacdcfb31febfd6f9b2fe8865fd')
    const legacy = hashBytes(bytes, 'legacy')
    expect(legacy.md5).toBe('1a1aedf93a4cb88af2f3a0b2e101b852')
    expect(legacy.md5Dvc2).toBe('fc16fbacdcfb31febfd6f9b2fe8865fd')
  })

  it('a CRLF split across the 1 MiB chunk boundary survives, as in DVC', () => {
    const bytes = Buffer.concat([Buffer.alloc(MiB - 1, 'x'), Buffer.from('\r\n')])
    const legacy = hashBytes(bytes, 'legacy')
    expect(legacy.md5.startsWith('059b9ae0')).toBe(true)
    expect(legacy.md5).toBe(hashBytes(bytes, 'md5').md5)
  })

  it('the worker pool gives the same hashes as the in-thread function, in input order', async () => {
    const pool = new HashPool(2)
    try {
      const files = Array.from({ length: 40 }, (_, i) => {
        const file = path.join(dir, `pool-${i}`)
        const bytes = crypto.randomBytes(i * 997 + (i % 3 === 0 ? 3 * MiB : 0))
        fs.writeFileSync(file, bytes)
        const mode: HashMode = i % 2 ? 'md5' : 'legacy'
        return { path: file, mode, size: bytes.length, bytes }
      })
      const results = await pool.hash(files)
      results.forEach((r, i) => {
        expect(r).toEqual(hashFilesSync({ fs, crypto }, [files[i]!], Buffer.allocUnsafe(MiB))[0])
      })
      expect((results[1] as { md5: string }).md5).toBe(
        crypto.createHash('md5').update(files[1]!.bytes).digest('hex')
      )
    } finally {
      await pool.close()
    }
  })

  it('reports an unreadable file as an error instead of throwing', () => {
    const [r] = hashFilesSync(
      { fs, crypto },
      [{ path: path.join(dir, 'nope'), mode: 'md5' }],
      Buffer.allocUnsafe(16)
    )
    expect(r).toEqual({ error: 'ENOENT' })
  })
})

describe('.dir manifests', () => {
  it('matches dvc-data test_build (foo, bar)', () => {
    const entries = [
      { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'foo' },
      { md5: '37b51d194a7513e45b56f6524f2d51f2', relpath: 'bar' }
    ]
    expect(manifestBytes(entries)).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]'
    )
    expect(manifestHash(entries)).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir')
  })

  it('nested and empty directories', () => {
    expect(
      manifestHash([
        { md5: crypto.createHash('md5').update('hello\n').digest('hex'), relpath: 'a.txt' },
        { md5: crypto.createHash('md5').update('world\n').digest('hex'), relpath: 'sub/b.txt' }
      ])
    ).toBe('5369cb520f35f5d77e793cf181884a27.dir')
    expect(manifestHash([])).toBe('d751713988987e9331980363e24189ce.dir')
  })

  it('sorts by code point and escapes like json.dumps(ensure_ascii=True)', () => {
    const bytes = manifestBytes([
      { md5: 'x', relpath: '😀' },
      { md5: 'y', relpath: '\uffff' },
      { md5: 'z', relpath: 'é"\\\u007f' }
    ])
    expect(bytes).toBe(
      '[{"md5": "z", "relpath": "\\u00e9\\"\\\\\\u007f"}, {"md5": "y", "relpath": "\\uffff"}, {"md5": "x", "relpath": "\\ud83d\\ude00"}]'
    )
  })
})
