import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import { parentPort } from 'node:worker_threads'
import { hashBuffers, hashClaimed, hashFileSteps, type HashMode } from './hash-file.js'

/**
 * One worker thread of the HashPool (hash-pool.ts), a module of its own so that it is loaded as
 * a file: the build emits it as dist/chunks/hash-worker.js, beside the chunk holding the pool.
 * It runs the same functions the calling thread and the tests run. Every thread of a job gets
 * the whole path list and claims one file at a time from a shared counter; each owns one set of
 * buffers (1 MiB + 64 KiB), so memory is bounded by the thread count, never by file size.
 */
export interface WorkerJob {
  id: number
  paths: string[]
  mode: HashMode
  counter: SharedArrayBuffer
}

const deps = { fs, crypto }
const buffers = hashBuffers()
const port = parentPort
port?.on('message', ({ id, paths, mode, counter }: WorkerJob) =>
  port.postMessage({ id, ...hashClaimed(hashFileSteps, deps, paths, mode, counter, buffers) })
)
