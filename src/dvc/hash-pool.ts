import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { hashFilesSync, type HashMode, type HashOutcome } from './hash-file.js'

/** Files are sent to workers in batches, so 20,000 small files cost hundreds of messages, not 20,000. */
const BATCH_BYTES = 8 * 1024 * 1024
const BATCH_FILES = 256

interface Pending {
  jobs: { path: string; mode: HashMode }[]
  resolve: (results: HashOutcome[]) => void
  reject: (error: Error) => void
}

// The worker runs the same function the tests call directly, shipped as source text so the
// bundle needs no separate worker file. Each worker owns one 1 MiB buffer: memory is bounded
// by the worker count, never by file size.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
// Transpilers that keep function names (esbuild/tsx) wrap inner functions in __name().
var __name = (target) => target
const hashFilesSync = ${hashFilesSync.toString()}
const deps = { fs: require('node:fs'), crypto: require('node:crypto') }
const buffer = Buffer.allocUnsafe(1024 * 1024)
parentPort.on('message', jobs => parentPort.postMessage(hashFilesSync(deps, jobs, buffer)))
`

export function defaultConcurrency(): number {
  return Math.max(
    1,
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  )
}

/**
 * Hashes files on worker threads, one per core, reading with streaming 1 MiB reads. Small jobs
 * (below one batch) run on the calling thread, which avoids starting workers for tiny projects.
 */
export class HashPool {
  private readonly workers: { worker: Worker; busy?: Pending }[] = []
  private readonly queue: Pending[] = []
  private readonly mainBuffer = Buffer.allocUnsafe(1024 * 1024)

  constructor(private readonly size = defaultConcurrency()) {}

  async hash(files: { path: string; mode: HashMode; size: number }[]): Promise<HashOutcome[]> {
    const total = files.reduce((sum, f) => sum + f.size, 0)
    // Below one batch, starting workers costs more than hashing on this thread.
    if (files.length <= BATCH_FILES && total < BATCH_BYTES) {
      return hashFilesSync({ fs, crypto }, files, this.mainBuffer)
    }
    const batches: { start: number; jobs: { path: string; mode: HashMode }[] }[] = []
    let current: { start: number; jobs: { path: string; mode: HashMode }[] } | undefined
    let bytes = 0
    files.forEach((file, index) => {
      if (!current || current.jobs.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES) {
        current = { start: index, jobs: [] }
        batches.push(current)
        bytes = 0
      }
      current.jobs.push({ path: file.path, mode: file.mode })
      bytes += file.size
    })
    const results: HashOutcome[] = new Array<HashOutcome>(files.length)
    await Promise.all(
      batches.map(async batch => {
        const out = await this.submit(batch.jobs)
        out.forEach((r, i) => (results[batch.start + i] = r))
      })
    )
    return results
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0)
    await Promise.all(workers.map(w => w.worker.terminate()))
  }

  private submit(jobs: { path: string; mode: HashMode }[]): Promise<HashOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ jobs, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.workers.find(w => !w.busy)
      if (!slot && this.workers.length < this.size) slot = this.spawn()
      if (!slot) return
      const task = this.queue.shift()!
      slot.busy = task
      slot.worker.postMessage(task.jobs)
    }
  }

  private spawn(): { worker: Worker; busy?: Pending } {
    const worker = new Worker(WORKER_SOURCE, { eval: true })
    const slot: { worker: Worker; busy?: Pending } = { worker }
    worker.on('message', (results: HashOutcome[]) => {
      const task = slot.busy
      delete slot.busy
      task?.resolve(results)
      this.pump()
    })
    worker.on('error', error => {
      slot.busy?.reject(error)
      delete slot.busy
      this.workers.splice(this.workers.indexOf(slot), 1)
      this.pump()
    })
    this.workers.push(slot)
    return slot
  }
}
