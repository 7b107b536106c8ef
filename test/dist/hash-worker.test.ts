import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import path from 'node:path'
import { hashFilesSync } from '../../src/dvc/hash-file.js'
import { NODE_VERSIONS, nodeBinary } from '../harness/dist-runner.js'
import { OUTPUT, ROOT } from '../harness/paths.js'

const CHUNKS = path.join(ROOT, 'dist', 'chunks')
const WORKER = path.join(CHUNKS, 'hash-worker.js')

// A worker thread started from the emitted file, given one job as the pool gives it.
const DRIVER = `
import { Worker } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
const [worker, ...paths] = process.argv.slice(2)
const thread = new Worker(pathToFileURL(worker))
thread.on('message', reply => { process.stdout.write(JSON.stringify(reply)); void thread.terminate() })
thread.postMessage({ id: 7, paths, mode: 'legacy', counter: new SharedArrayBuffer(4) })
`

describe('the hash worker in dist/', () => {
  it('is a file beside the chunk that loads it by URL, and the CLI stays one file', () => {
    expect(fs.existsSync(WORKER)).toBe(true)
    const loaders = fs
      .readdirSync(path.join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter(f => f.endsWith('.js') && !f.endsWith('hash-worker.js'))
      .filter(f => fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8').includes('./hash-worker.js'))
    expect(loaders.length).toBeGreaterThan(0)
    for (const file of loaders) expect(path.dirname(file)).toBe('chunks')
    // No worker beside the pinned CLI: a pool there hashes on its own thread (hash-pool.ts).
    expect(fs.readdirSync(path.join(ROOT, 'dist', 'cli')).sort()).toEqual([
      'index.js',
      'index.js.sha256',
      'licenses.txt',
      'package.json'
    ])
  })

  it.each(NODE_VERSIONS)('hashes a job as the calling thread does, under %s', node => {
    fs.mkdirSync(OUTPUT, { recursive: true })
    const dir = fs.mkdtempSync(path.join(OUTPUT, 'dist-hash-worker-'))
    const files = Array.from({ length: 5 }, (_, i) => {
      const file = path.join(dir, `f${i}`)
      fs.writeFileSync(file, Buffer.concat([crypto.randomBytes(i * 4099), Buffer.from('a\r\nb')]))
      return file
    })
    const driver = path.join(dir, 'driver.mjs')
    fs.writeFileSync(driver, DRIVER)
    const run = spawnSync(nodeBinary(node), [driver, WORKER, ...files], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      id: 7,
      indices: [0, 1, 2, 3, 4],
      results: hashFilesSync(
        { fs, crypto },
        files.map(f => ({ path: f, mode: 'legacy' as const }))
      ),
      exhausted: true
    })
  })
})
