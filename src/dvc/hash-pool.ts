import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import {
  hashClaimed,
  hashFileSteps,
  hashBuffers,
  hashFilesSync,
  type HashMode,
  type HashOutcome,
  type InProgress
} from './hash-file.js'
import type { WorkerJob } from './hash-worker.js'

/** The calling thread hashes in slices this long, so git and other I/O callbacks still run. */
const HELP_SLICE_MS = 15

/** Below this (known sizes only), starting a worker costs more than hashing on this thread. */
export const INLINE_MAX_FILES = 64
export const INLINE_MAX_BYTES = 8 * 1024 * 1024

export interface HashRequest {
  path: string
  /** When known: lets tiny jobs run on the calling thread. Not needed for balancing. */
  size?: number
}

interface Job {
  paths: string[]
  mode: HashMode
  counter: SharedArrayBuffer
  results: HashOutcome[]
  /** Workers that have not answered yet. */
  waiting: Set<Worker>
  /** Whether the calling thread has taken its share. */
  helped: boolean
  /** A large file the calling thread is hashing slice by slice. */
  current?: InProgress
  resolve: (results: HashOutcome[]) => void
  reject: (error: Error) => void
}

interface Reply {
  id: number
  indices: number[]
  results: HashOutcome[]
}

/**
 * The worker file beside the module that holds the pool: `hash-worker.js` (hash-worker.ts),
 * which scripts/build.mjs emits into dist/chunks/ next to the shared chunk the actions load the
 * pool from (the build fails if the two drift apart). Loaded by URL, as a real module: no source
 * text and no `eval`.
 *
 * Where there is no such file, the pool hashes on the calling thread with the same functions
 * (small jobs at once, large ones in slices between I/O callbacks). That is the CLI's case by
 * choice: it is one file that users pin by its SHA-256 (docs/cli.md), so the build puts no
 * worker beside it, and it must not need one. It is also the TypeScript sources' case (ts-jest,
 * tsx), where hash-worker.js does not exist; the tests pass a built worker explicitly.
 */
export function workerBeside(moduleUrl: string | URL = import.meta.url): URL | undefined {
  const url = new URL('./hash-worker.js', moduleUrl)
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : undefined
}

export function defaultConcurrency(): number {
  return Math.max(
    1,
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  )
}

/**
 * Hashes files on `threads` threads: the calling thread plus `threads - 1` workers. The
 * calling thread would otherwise sit idle waiting for results, and one worker fewer is one
 * worker start-up (about 40 ms of CPU) fewer. Without a worker file (`worker` undefined) the
 * calling thread hashes alone, whatever `threads` says.
 */
export class HashPool {
  private readonly workers: Worker[] = []
  private readonly jobs = new Map<number, Job>()
  private nextId = 0
  private readonly buffers = hashBuffers()
  private helping = false

  constructor(
    private readonly threads = defaultConcurrency(),
    private readonly worker: URL | undefined = workerBeside()
  ) {}

  /** The worker threads running now (none before the first large job, or without a worker file). */
  get workerThreads(): number {
    return this.workers.length
  }

  /** Starts the workers now, so their start-up overlaps the caller's parsing and walking. */
  warm(): void {
    if (!this.worker) return
    while (this.workers.length < this.threads - 1) this.spawn(this.worker)
  }

  /** Hashes files with one mode; results come in the order of `files`. */
  async hash(files: HashRequest[], mode: HashMode): Promise<HashOutcome[]> {
    if (files.length === 0) return []
    if (this.isSmall(files))
      return hashFilesSync(
        { fs, crypto },
        files.map(f => ({ path: f.path, mode })),
        this.buffers
      )
    this.warm()
    const id = this.nextId++
    // Plain strings: a list of 20,000 paths copies to a worker much faster than objects.
    const paths = files.map(f => f.path)
    const counter = new SharedArrayBuffer(4)
    const done = new Promise<HashOutcome[]>((resolve, reject) => {
      this.jobs.set(id, {
        paths,
        mode,
        counter,
        results: new Array<HashOutcome>(files.length),
        waiting: new Set(this.workers),
        helped: false,
        resolve,
        reject
      })
    })
    for (const worker of this.workers)
      worker.postMessage({ id, paths, mode, counter } satisfies WorkerJob)
    // Let the other targets that are ready post their jobs first, then take a share of every
    // open job: with four large files as four jobs, this thread hashes some of them too.
    await nextTurn()
    this.help().catch((error: unknown) => this.failAll(error as Error))
    return done
  }

  async close(): Promise<void> {
    // A file left half-hashed (a failed run) still has its descriptor open: close it.
    for (const job of this.jobs.values()) job.current?.steps.return({ error: 'cancelled' })
    const workers = this.workers.splice(0)
    await Promise.all(workers.map(w => w.terminate()))
  }

  /** Takes files from the open jobs in short slices, yielding in between, until none are left. */
  private async help(): Promise<void> {
    if (this.helping) return
    this.helping = true
    try {
      for (;;) {
        const open = [...this.jobs].find(([, job]) => !job.helped)
        if (!open) return
        const [id, job] = open
        const share = hashClaimed(
          hashFileSteps,
          { fs, crypto },
          job.paths,
          job.mode,
          job.counter,
          this.buffers,
          Date.now() + HELP_SLICE_MS,
          job.current
        )
        job.current = share.current
        job.helped = share.exhausted
        this.merge(id, job, share)
        await nextTurn()
      }
    } finally {
      this.helping = false
    }
  }

  private failAll(error: Error): void {
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id)
      job.reject(error)
    }
  }

  private merge(id: number, job: Job, share: { indices: number[]; results: HashOutcome[] }): void {
    share.indices.forEach((index, i) => (job.results[index] = share.results[i]!))
    if (job.helped && job.waiting.size === 0) {
      this.jobs.delete(id)
      job.resolve(job.results)
    }
  }

  private isSmall(files: HashRequest[]): boolean {
    if (this.threads <= 1) return true
    if (files.length > INLINE_MAX_FILES) return false
    let bytes = 0
    for (const f of files) {
      if (f.size === undefined) return false
      bytes += f.size
    }
    return bytes < INLINE_MAX_BYTES
  }

  private spawn(file: URL): Worker {
    const worker = new Worker(file)
    worker.on('message', (reply: Reply) => {
      const job = this.jobs.get(reply.id)
      if (!job) return
      job.waiting.delete(worker)
      this.merge(reply.id, job, reply)
    })
    worker.on('error', error => {
      // The files this worker had claimed are lost with it: fail every job it was part of.
      this.workers.splice(this.workers.indexOf(worker), 1)
      for (const [id, job] of this.jobs) {
        if (!job.waiting.has(worker)) continue
        this.jobs.delete(id)
        job.reject(error)
      }
    })
    this.workers.push(worker)
    return worker
  }
}
