import { createHash } from 'node:crypto'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import { isMapping } from './pyvalue.js'
import type { ResolvedStage } from './project.js'
import { pyJsonDumps } from './py-json.js'
import type { LockEntry, LockStage } from './schema.js'
import { parseYaml } from './yaml-file.js'
import type { ImportSource } from './stage-types.js'

/**
 * `.dvc` files (`dvc add`, `dvc import`, `dvc import-url`, and DVC 1's single-stage files), read
 * as DVC's SINGLE_STAGE_SCHEMA describes them: the file is its own lock. Its stage is named by
 * its path, as `dvc status` names it.
 */

export type { ImportSource } from './stage-types.js'

export interface DvcFileStage {
  stage: ResolvedStage
  /** The file's own entries, in the shape of a dvc.lock stage. */
  lock: LockStage
}

const URL_LIKE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//

/** Keys DVC leaves out of a stage's md5 (dvc/stage/utils.py compute_md5), at any depth. */
const MD5_EXCLUDED = new Set([
  'desc',
  'type',
  'labels',
  'meta',
  'locked',
  'frozen',
  'metric',
  'persist',
  'isexec',
  'size',
  'nfiles'
])

function dictFilter(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dictFilter)
  if (!isMapping(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !MD5_EXCLUDED.has(k))
      .map(([k, v]) => [k, dictFilter(v)])
  )
}

/**
 * The stage md5 DVC computes for a `.dvc` file: undefined for a `dvc add` data source (no cmd,
 * no deps), else md5 of json.dumps(sort_keys) of the file without md5/meta/desc, a default
 * wdir, and the excluded keys.
 */
export function dvcFileStageMd5(doc: Record<string, unknown>): string | undefined {
  const deps = Array.isArray(doc.deps) ? doc.deps : []
  if (!doc.cmd && deps.length === 0) return undefined
  const rest: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'md5' || k === 'meta' || k === 'desc') continue
    if (k === 'wdir' && v === '.') continue
    rest[k] = v
  }
  return createHash('md5')
    .update(pyJsonDumps(dictFilter(rest)), 'utf8')
    .digest('hex')
}

function entryOf(raw: unknown, file: string, section: string, i: number): LockEntry {
  if (!isMapping(raw) || typeof raw.path !== 'string' || raw.path === '')
    throw new ConfigurationError(
      `${file}: ${section}[${i}] has no path; fix the file or re-create it with \`dvc add\``,
      { location: { file } }
    )
  const entry: LockEntry = { path: raw.path }
  for (const key of ['hash', 'md5'] as const)
    if (raw[key] !== undefined) {
      if (typeof raw[key] !== 'string')
        throw new ConfigurationError(
          `${file}: ${section}[${i}].${key} is not a string; re-create the file with \`dvc add\``,
          { location: { file } }
        )
      entry[key] = raw[key]
    }
  if (typeof raw.size === 'number') entry.size = raw.size
  if (typeof raw.nfiles === 'number') entry.nfiles = raw.nfiles
  return entry
}

/** Parses one `.dvc` file (text already read through the guard and the bounded reader). */
export function parseDvcFile(file: string, text: string): DvcFileStage {
  const doc = parseYaml(text, file) ?? {}
  if (!isMapping(doc))
    throw new ConfigurationError(
      `${file} is not a mapping; a .dvc file holds outs (and deps for imports); re-create it with \`dvc add\``,
      { location: { file } }
    )
  for (const key of ['outs', 'deps'] as const)
    if (doc[key] !== undefined && doc[key] !== null && !Array.isArray(doc[key]))
      throw new ConfigurationError(`${file}: ${key} must be a list; fix the file`, {
        location: { file }
      })
  const cmd = doc.cmd
  if (cmd !== undefined && typeof cmd !== 'string' && !Array.isArray(cmd))
    throw new ConfigurationError(`${file}: cmd must be a string or a list; fix the file`, {
      location: { file }
    })
  if (doc.md5 !== undefined && typeof doc.md5 !== 'string')
    throw new ConfigurationError(`${file}: md5 is not a string; re-create the file`, {
      location: { file }
    })
  const dir = path.posix.dirname(file)
  const wdir = path.posix.normalize(
    path.posix.join(dir, typeof doc.wdir === 'string' ? doc.wdir.replace(/\\/g, '/') : '.')
  )
  const rawOuts = (doc.outs as unknown[] | null | undefined) ?? []
  const rawDeps = (doc.deps as unknown[] | null | undefined) ?? []
  const outs = rawOuts.map((o, i) => entryOf(o, file, 'outs', i))
  const deps: LockEntry[] = []
  const imports: ImportSource[] = []
  rawDeps.forEach((d, i) => {
    const entry = entryOf(d, file, 'deps', i)
    const repo = isMapping(d) && isMapping(d.repo) ? d.repo : undefined
    if (repo) {
      imports.push({
        path: entry.path,
        repo: {
          url: typeof repo.url === 'string' ? repo.url : '',
          ...(typeof repo.rev === 'string' ? { rev: repo.rev } : {}),
          ...(typeof repo.rev_lock === 'string' ? { revLock: repo.rev_lock } : {})
        }
      })
    } else if (URL_LIKE.test(entry.path) && !/^file:\/\//i.test(entry.path)) {
      imports.push({ path: entry.path, remote: entry.path.split(':')[0]!.toLowerCase() })
    } else deps.push(entry)
  })
  const computed = dvcFileStageMd5(doc)
  const written = typeof doc.md5 === 'string' ? doc.md5 : undefined
  const stage: ResolvedStage = {
    name: file,
    cmd: (cmd as string | string[] | undefined) ?? '',
    wdir,
    deps: deps.map(d => d.path),
    params: [],
    outs: rawOuts.map((o, i) => ({
      path: outs[i]!.path,
      cache: !(isMapping(o) && o.cache === false)
    })),
    frozen: doc.frozen === true,
    alwaysChanged: doc.always_changed === true,
    dvcFile: { checksumChanged: written !== computed, imports }
  }
  return {
    stage,
    lock: {
      cmd: (cmd as string | string[] | undefined) ?? '',
      deps,
      params: {},
      outs
    }
  }
}
