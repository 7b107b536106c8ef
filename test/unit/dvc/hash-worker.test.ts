import { describe, expect, it } from '@jest/globals'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { hashFilesSync, type HashMode } from '../../../src/dvc/hash-file.js'
import { HashPool, workerBeside } from '../../../src/dvc/hash-pool.js'
import { builtHashWorker } from '../../harness/hash-worker.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hash-worker-'))

/** A job too large for the calling thread alone: more files than INLINE_MAX_FILES. */
function files(tag: string): { path: string }[] {
  return Array.from({ length: 120 }, (_, i) => {
    const file = path.join(dir, `${tag}-${i}`)
    fs.writeFileSync(file, crypto.randomBytes(i * 211 + 7))
    return { path: file }
  })
}

const expected = (job: { path: string }[], mode: HashMode) =>
  hashFilesSync(
    { fs, crypto },
    job.map(f => ({ path: f.path, mode }))
  )

describe('the hash worker, a module file', () => {
  it('is found beside the module that loads the pool, and only there', () => {
    const worker = builtHashWorker()
    const beside = new URL('./chunk-of-the-pool.js', worker)
    expect(workerBeside(beside)?.href).toBe(worker.href)
    // The sources (and the one-file CLI) have no hash-worker.js beside them.
    expect(workerBeside(pathToFileURL(path.join(dir, 'index.js')))).toBeUndefined()
    expect(workerBeside()).toBeUndefined()
  })

  it('hashes on worker threads loaded from the file, as the actions do', async () => {
    const pool = new HashPool(3, builtHashWorker())
    try {
      const job = files('workers')
      expect(await pool.hash(job, 'legacy')).toEqual(expected(job, 'legacy'))
      expect(pool.workerThreads).toBe(2)
    } finally {
      await pool.close()
    }
  })

  it('without a worker file (the CLI), hashes on the calling thread with the same code', async () => {
    const pool = new HashPool(3, undefined)
    try {
      const job = files('alone')
      const [plain, legacy] = await Promise.all([pool.hash(job, 'md5'), pool.hash(job, 'legacy')])
      expect(plain).toEqual(expected(job, 'md5'))
      expect(legacy).toEqual(expected(job, 'legacy'))
      expect(pool.workerThreads).toBe(0)
    } finally {
      await pool.close()
    }
  })

  it('fails the job, not the process, when the worker file cannot run', async () => {
    const broken = path.join(dir, 'broken')
    fs.mkdirSync(broken)
    fs.writeFileSync(path.join(broken, 'package.json'), '{ "type": "module" }\n')
    fs.writeFileSync(path.join(broken, 'hash-worker.js'), 'throw new Error("no worker here")\n')
    const pool = new HashPool(2, pathToFileURL(path.join(broken, 'hash-worker.js')))
    try {
      await expect(pool.hash(files('broken'), 'md5')).rejects.toThrow('no worker here')
    } finally {
      await pool.close()
    }
  })
})
