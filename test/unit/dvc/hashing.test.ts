import { describe, expect, it } from '@jest/globals'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  hashBuffers,
  hashClaimed,
  hashFileSteps,
  hashFilesSync,
  type HashMode,
  type InProgress
} from '../../../src/dvc/hash-file.js'
import { HashPool } from '../../../src/dvc/hash-pool.js'
import { builtHashWorker } from '../../harness/hash-worker.js'
import { DvcIgnore } from '../../../src/dvc/dvcignore.js'
import { compareCodePoints, manifestBytes, manifestHash } from '../../../src/dvc/manifest.js'
import { walkTrackedDir } from '../../../src/dvc/walk.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-hash-'))
function hashBytes(bytes: Buffer, mode: HashMode): { md5: string; md5Dvc2?: string } {
  const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}`)
  fs.writeFileSync(file, bytes)
  const [result] = hashFilesSync({ fs, crypto }, [{ path: file, mode }])
  if (!result || 'error' in result) throw new Error('not hashed')
  return result
}

const MiB = 1024 * 1024

describe("file hashes (vectors computed with DVC's own hashing)", () => {
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
    const pool = new HashPool(2, builtHashWorker())
    try {
      const files = Array.from({ length: 40 }, (_, i) => {
        const file = path.join(dir, `pool-${i}`)
        const bytes = crypto.randomBytes(i * 997 + (i % 3 === 0 ? 3 * MiB : 0))
        fs.writeFileSync(file, bytes)
        return { path: file, size: bytes.length, bytes }
      })
      // Both modes at once, as two jobs over the same files.
      const [plain, legacy] = await Promise.all([
        pool.hash(files, 'md5'),
        pool.hash(files, 'legacy')
      ])
      for (const [mode, results] of [
        ['md5', plain],
        ['legacy', legacy]
      ] as const) {
        results.forEach((r, i) => {
          expect(r).toEqual(hashFilesSync({ fs, crypto }, [{ path: files[i]!.path, mode }])[0])
        })
      }
      const results = plain
      expect((results[1] as { md5: string }).md5).toBe(
        crypto.createHash('md5').update(files[1]!.bytes).digest('hex')
      )
    } finally {
      await pool.close()
    }
  })

  it('the pool hashes jobs without sizes, several at once, each in its own input order', async () => {
    for (const threads of [2, 3]) {
      const pool = new HashPool(threads, builtHashWorker())
      try {
        const make = (job: number) =>
          Array.from({ length: 150 + job * 40 }, (_, i) => {
            const file = path.join(dir, `job-${threads}-${job}-${i}`)
            fs.writeFileSync(file, crypto.randomBytes((i * 131 + job) % 5000))
            return { path: file }
          })
        const jobs = [make(0), make(1), make(2)]
        jobs[1]!.push({ path: path.join(dir, 'missing') })
        const modeOf = (j: number): HashMode => (j % 2 ? 'legacy' : 'md5')
        const results = await Promise.all(jobs.map((files, j) => pool.hash(files, modeOf(j))))
        results.forEach((result, j) => {
          expect(result).toHaveLength(jobs[j]!.length)
          expect(result).toEqual(
            hashFilesSync(
              { fs, crypto },
              jobs[j]!.map(f => ({ path: f.path, mode: modeOf(j) }))
            )
          )
        })
        expect(results[1]![results[1]!.length - 1]).toEqual({ error: 'ENOENT' })
      } finally {
        await pool.close()
      }
    }
  })

  it.each(['md5', 'legacy'] as const)(
    'the calling thread hashes a large file in slices and resumes it to the same hash (%s)',
    mode => {
      const file = path.join(dir, `sliced-${mode}`)
      const bytes = Buffer.concat([crypto.randomBytes(3 * MiB), Buffer.from('a\r\nb\r\n')])
      fs.writeFileSync(file, bytes)
      const jobs = [{ path: file, mode }]
      const paths = [file]
      const counter = new SharedArrayBuffer(4)
      const buffers = hashBuffers()
      let slices = 0
      let current: InProgress | undefined
      const results: unknown[] = []
      for (;;) {
        // A deadline already passed: each slice stops after one chunk.
        const share = hashClaimed(
          hashFileSteps,
          { fs, crypto },
          paths,
          mode,
          counter,
          buffers,
          0,
          current
        )
        results.push(...share.results)
        current = share.current
        slices++
        // Whoever else uses the buffers between slices cannot change the result.
        buffers.chunk.fill(0)
        buffers.read.fill(0)
        if (share.exhausted || slices > 100) break
      }
      expect(slices).toBeGreaterThanOrEqual(4)
      expect(results).toEqual(hashFilesSync({ fs, crypto }, jobs))
      expect(results[0]).toMatchObject({ size: bytes.length })
    }
  )

  it('reports an unreadable file as an error instead of throwing', () => {
    const [r] = hashFilesSync({ fs, crypto }, [{ path: path.join(dir, 'nope'), mode: 'md5' }])
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

  it('orders any mix of ASCII, BMP and astral names by code point, as Python does', () => {
    const alphabet = ['a', 'B', '_', '/', 'é', '\uff5e', '\ue000', '😀', '𝒳', '0']
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let round = 0; round < 200; round++) {
      const names = Array.from({ length: 12 }, () =>
        Array.from({ length: 1 + (next() % 4) }, () => alphabet[next() % alphabet.length]).join('')
      )
      const entries = [...new Set(names)].map(relpath => ({ md5: 'm', relpath }))
      const expected = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath))
      expect(manifestBytes(entries)).toBe(manifestBytes(expected))
      const order = JSON.parse(manifestBytes(entries)) as { relpath: string }[]
      expect(order.map(e => e.relpath)).toEqual(expected.map(e => e.relpath))
    }
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

describe('tree walk', () => {
  it("hands each directory's files to onFiles in the order of the result, skipping .dvc names", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-walk-'))
    for (const sub of ['a', 'a/b', 'c', 'c/.dvc'])
      fs.mkdirSync(path.join(root, 'data', sub), { recursive: true })
    for (const file of ['x', 'a/y', 'a/b/z', 'c/w', 'c/.dvc/hidden', 'c/.git'])
      fs.writeFileSync(path.join(root, 'data', file), file)
    const batches: string[][] = []
    const walked = walkTrackedDir(
      path.join(root, 'data'),
      'data',
      new DvcIgnore(root),
      fs.realpathSync(root),
      false,
      files => batches.push(files.map(f => f.relpath))
    )
    expect(batches.flat()).toEqual(walked.files.map(f => f.relpath))
    expect(walked.files.map(f => f.relpath).sort()).toEqual(['a/b/z', 'a/y', 'c/w', 'x'])
  })

  it('applies .dvcignore patterns only where a .dvcignore is on the way down', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-walk-'))
    fs.mkdirSync(path.join(root, 'data', 'keep'), { recursive: true })
    fs.mkdirSync(path.join(root, 'data', 'rules'), { recursive: true })
    fs.writeFileSync(path.join(root, 'data', 'rules', '.dvcignore'), '*.tmp\n')
    for (const file of ['keep/a.tmp', 'rules/b.tmp', 'rules/c.txt'])
      fs.writeFileSync(path.join(root, 'data', file), file)
    const ignore = new DvcIgnore(root)
    expect(ignore.hasRulesFor('data/keep')).toBe(false)
    expect(ignore.hasRulesFor('data/rules')).toBe(true)
    const walked = walkTrackedDir(
      path.join(root, 'data'),
      'data',
      ignore,
      fs.realpathSync(root),
      false
    )
    expect(walked.files.map(f => f.relpath).sort()).toEqual([
      'keep/a.tmp',
      'rules/.dvcignore',
      'rules/c.txt'
    ])
  })
})
