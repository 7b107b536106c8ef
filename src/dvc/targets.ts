import { lstat, stat } from 'node:fs/promises'
import path from 'node:path'
import { kindOf, type FileKind } from '../files/read.js'
import type { DvcIgnore } from './dvcignore.js'
import type { FileHash, HashMode, HashOutcome } from './hash-file.js'
import { INLINE_MAX_FILES, type HashPool } from './hash-pool.js'
import { manifestHash, type ManifestEntry } from './manifest.js'
import { walkTrackedDir, type WalkedFile } from './walk.js'

/** Files per pool job while a large tree is still being walked. */
const STREAM_FILES = 2048

/** What is on disk at a tracked path, hashed with the mode its lock entry calls for. */
export type TargetHash =
  | { kind: 'missing'; ignored: boolean }
  | { kind: 'file'; md5: string; md5Dvc2?: string; size: number }
  | {
      kind: 'dir'
      md5: string
      md5Dvc2?: string
      size: number
      nfiles: number
      entries: ManifestEntry[]
      escaped: string[]
      special: { relpath: string; kind: FileKind }[]
    }
  /** A FIFO, socket or device: never opened (a FIFO would block the read forever). */
  | { kind: 'refused'; fileKind: FileKind }
  | { kind: 'error'; message: string }

export interface TargetRequest {
  abs: string
  /** '/'-separated path relative to the project root, for .dvcignore. */
  rel: string
  mode: HashMode
}

/**
 * Hashes many tracked paths at once: every file of every directory goes to the pool together,
 * so the cores stay busy across outputs. Each (path, mode) is hashed once even when it is an
 * out of one stage and a dep of others.
 */
export class TargetHasher {
  private readonly cache = new Map<string, Promise<TargetHash>>()

  constructor(
    private readonly pool: HashPool,
    private readonly ignore: DvcIgnore,
    private readonly realRoot: string,
    private readonly allowExternal: boolean,
    /** Per-target timings, for `ACTIONS_STEP_DEBUG` runs. */
    private readonly debug: (message: string) => void = () => {}
  ) {}

  hash(request: TargetRequest): Promise<TargetHash> {
    const key = `${request.mode}\0${request.abs}`
    let pending = this.cache.get(key)
    if (!pending) {
      pending = this.compute(request)
      this.cache.set(key, pending)
    }
    return pending
  }

  private async compute({ abs, rel, mode }: TargetRequest): Promise<TargetHash> {
    const inRepo = !rel.startsWith('..') && !path.isAbsolute(rel)
    let info
    try {
      info = await stat(abs)
    } catch {
      return { kind: 'missing', ignored: false }
    }
    if (inRepo && this.ignore.isIgnored(rel, info.isDirectory()))
      return { kind: 'missing', ignored: true }
    if (info.isDirectory()) {
      const started = performance.now()
      // Large trees are hashed while they are still being listed: every STREAM_FILES files
      // go to the pool as one job, so the workers start before the walk ends.
      const jobs: Promise<HashOutcome[]>[] = []
      let chunk: WalkedFile[] = []
      const send = (files: WalkedFile[]): number =>
        jobs.push(
          this.pool.hash(
            files.map(f => ({ path: f.abs, ...(f.size === undefined ? {} : { size: f.size }) })),
            mode
          )
        )
      const walked = walkTrackedDir(
        abs,
        rel,
        this.ignore,
        this.realRoot,
        this.allowExternal,
        files => {
          chunk.push(...files)
          if (chunk.length >= STREAM_FILES) {
            send(chunk)
            chunk = []
          }
        }
      )
      // Sizes decide whether a small directory is hashed on this thread; large ones always go
      // to the workers, which need no sizes, so 20,000 files cost no extra stat calls here.
      if (walked.files.length <= INLINE_MAX_FILES) {
        await Promise.all(
          walked.files.map(async f => {
            if (f.size === undefined) f.size = (await lstat(f.abs)).size
          })
        )
      }
      if (chunk.length > 0) send(chunk)
      const walkedAt = performance.now()
      const hashed = (await Promise.all(jobs)).flat()
      const hashedAt = performance.now()
      const entries: ManifestEntry[] = []
      const results: FileHash[] = []
      let size = 0
      for (let i = 0; i < walked.files.length; i++) {
        const result = hashed[i]!
        if ('error' in result)
          return { kind: 'error', message: `${walked.files[i]!.relpath}: ${result.error}` }
        results.push(result)
        entries.push({ md5: result.md5, relpath: walked.files[i]!.relpath })
        size += result.size
      }
      const md5 = manifestHash(entries)
      this.debug(
        `${rel}: ${entries.length} files, ${size} bytes; walk ${(walkedAt - started).toFixed(0)} ms, hash ${(hashedAt - walkedAt).toFixed(0)} ms, manifest ${(performance.now() - hashedAt).toFixed(0)} ms`
      )
      return {
        kind: 'dir',
        md5,
        // DVC 2's manifest differs only when some file's whole-file rule gave another md5.
        ...(results.some(r => r.md5Dvc2)
          ? {
              md5Dvc2: manifestHash(
                entries.map((e, i) => ({ ...e, md5: results[i]!.md5Dvc2 ?? e.md5 }))
              )
            }
          : {}),
        size,
        nfiles: entries.length,
        entries,
        escaped: walked.escaped,
        special: walked.special
      }
    }
    if (!info.isFile()) return { kind: 'refused', fileKind: kindOf(info) }
    const [result] = await this.pool.hash([{ path: abs, size: info.size }], mode)
    if (!result || 'error' in result)
      return { kind: 'error', message: result ? result.error : 'not hashed' }
    return { kind: 'file', ...result }
  }
}
