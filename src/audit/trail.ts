import { constants, lstatSync, realpathSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import { gitText, streamGit, type GitStreamer } from '../git/stream.js'
import { ChainChecker, type ChainResult } from './chain.js'
import type { AuditEntry } from './entry.js'
import { sha256Hex } from './format.js'
import { checkHistory, shallowClone, type HistoryResult } from './history.js'
import { SUITE_IDENTITIES, type AuditIdentity } from './identities.js'
import type { RunCheckResult } from './run-check.js'
import { trustReport, type TrustReport } from './trust.js'
import { trustVerdict } from './trail-verdict.js'
import type { CheckVerdict, EntryStanding, TrustVerdict } from './verdict.js'
import { refuseLinkedFile, splitLines } from './verify.js'

/**
 * The one trusted reader of AUDIT.log (issues "Trust" and "One of each"). One pass over the
 * file's bytes runs the hash chain, the git history check over the same lines, and the GitHub
 * check (injected) over the verified entries, and returns the shared verdict with every entry's
 * standing. Every reader (verify, status, history, reconcile, evidence, render, resolve,
 * rollback) reads the trail through here, so they all trust the same thing and say the same.
 */

/** One verified line of the trail and how far it is backed. */
export interface TrailEntry {
  /** 1-based line of the file (= its seq, since the chain verified it). */
  line: number
  entry: AuditEntry
  standing: EntryStanding
  /** Passes every check that ran (GitHub's, when it ran): the entries readers act on. */
  counted: boolean
  /** Why it is not counted, when it is not. */
  why?: string
}

/** GitHub's verdict on one entry (the run check, injected). */
export interface GithubStanding {
  standing: EntryStanding
  reason?: string
}

export interface GithubReport {
  verdict: CheckVerdict
  /** By line; a line not listed is 'unbacked'. */
  standings: Map<number, GithubStanding>
  /** The run check's own result, for verify's outputs and tables. */
  runs?: RunCheckResult
}

/** The GitHub check as a step of the reader: given the verified entries, each one's standing. */
export type GithubCheck = (entries: { line: number; entry: AuditEntry }[]) => Promise<GithubReport>

export interface TrailOptions {
  /** The workspace, for the symlink refusal below it (verify.ts). */
  root?: string
  /** How messages name the file, e.g. "Input 'file' names 'AUDIT.log', which". */
  label?: string
  /** SHA-256 of a line the file must contain (an earlier append's `sha256` output). */
  expectedSha256?: string
  /** A commit the history must still contain, with the file as it was then. */
  expectedCommit?: string
  /** The git history check (default on); off only when the user turns it off. */
  history?: boolean
  identities?: readonly AuditIdentity[]
  /** verify refuses a shallow clone; the other readers say the history is not available. */
  requireHistory?: boolean
  git?: GitStreamer
  /** GitHub's record of the runs; absent: the github verdict is not-available, with `githubUnavailable`. */
  github?: GithubCheck
  /** Why there is no GitHub check (default: no token was given). */
  githubUnavailable?: string
  /** Which entries to keep parsed (default all; the checks always cover every line). */
  select?: (entry: AuditEntry) => boolean
  /** false: keep no entries (verify without GitHub, benches): memory stays flat for any length. */
  entries?: false
}

export interface Trail {
  exists: boolean
  verdict: TrustVerdict
  /** The chain and history results in verify's shapes (first bad line, findings). */
  report: TrustReport
  runs?: RunCheckResult
  /** The verified lines kept (see `select`), in file order, each with its standing. */
  entries: TrailEntry[]
  /** Which bytes were read: the committed blob at HEAD, or the file in the working tree. */
  source: 'committed' | 'working tree'
}

type Located =
  { top: string; relative: string; committed: boolean } | { skipped: string; shallow?: true }

const DEFAULT_GITHUB_UNAVAILABLE =
  "no GitHub token was given, so GitHub's record of the runs was not read"

export async function readTrail(file: string, options: TrailOptions = {}): Promise<Trail> {
  const label = options.label ?? `The audit log '${file}'`
  refuseLinkedFile(file, options.root, label)
  const git = options.git ?? streamGit
  const exists = existsRegular(file, label)
  const located: Located = !exists
    ? { skipped: 'the file does not exist' }
    : options.history === false
      ? { skipped: 'the history check is off' }
      : await locate(file, git, options.requireHistory === true)
  const hashes: string[] = []
  const kept: { line: number; entry: AuditEntry }[] = []
  const all: { line: number; entry: AuditEntry }[] | undefined = options.github ? [] : undefined
  const checker = new ChainChecker(options.expectedSha256)
  const committed = 'top' in located && located.committed
  if (exists) {
    const chunks = committed
      ? committedBytes(git, located.top, located.relative)
      : fileBytes(file, label)
    for await (const { bytes, terminated } of splitLines(chunks)) {
      const before = checker.accepted
      checker.push(bytes, terminated)
      if (checker.done) break
      if (checker.accepted === before) continue
      hashes.push(sha256Hex(bytes))
      if (!all && options.entries === false) continue
      const entry = JSON.parse(bytes.toString('utf8')) as AuditEntry
      const item = { line: checker.accepted, entry }
      all?.push(item)
      if (options.entries !== false && (!options.select || options.select(entry))) kept.push(item)
    }
  }
  const chain: ChainResult = checker.finish()
  // The history covers the lines the chain verified: past a break nothing is read anyway.
  const history: HistoryResult | { skipped: string } =
    'top' in located
      ? await checkHistory(hashes, {
          repoDir: located.top,
          file: located.relative,
          identities: options.identities ?? SUITE_IDENTITIES,
          ...(options.expectedCommit ? { expectedCommit: options.expectedCommit } : {}),
          git
        })
      : { skipped: located.skipped }
  const github: GithubReport = options.github
    ? await options.github(all!)
    : {
        verdict: {
          state: 'not-available',
          note: options.githubUnavailable ?? DEFAULT_GITHUB_UNAVAILABLE
        },
        standings: new Map()
      }
  const report = trustReport(exists, chain, history)
  const failed = 'failedLines' in history ? history.failedLines : new Set<number>()
  const reasons = new Map(
    'findings' in history ? history.findings.map(f => [f.line, f.reason] as const) : []
  )
  const githubRan = github.verdict.state !== 'not-available'
  const judge = (line: number): Omit<TrailEntry, 'line' | 'entry'> => {
    if (failed.has(line))
      return {
        standing: 'refused',
        counted: false,
        why: `fails the history check: ${reasons.get(line)}`
      }
    const backed = github.standings.get(line)
    if (!githubRan) return { standing: 'unbacked', counted: true }
    if (backed?.standing === 'governed') return { standing: 'governed', counted: true }
    return {
      standing: backed?.standing ?? 'unbacked',
      counted: false,
      why: `GitHub's record does not back it${backed?.reason ? `: ${backed.reason}` : ''}`
    }
  }
  let counted = 0
  for (let line = 1; line <= chain.entries; line++) if (judge(line).counted) counted++
  const entries = kept.map(({ line, entry }) => ({ line, entry, ...judge(line) }))
  const trail: Trail = {
    exists,
    verdict: trustVerdict(chain, history, github.verdict, counted, options),
    report,
    entries,
    source: committed ? 'committed' : 'working tree'
  }
  if (github.runs) trail.runs = github.runs
  return trail
}

/** The entries a reader may act on: verified, and passing every check that ran. */
export function countedEntries(trail: Trail): AuditEntry[] {
  return trail.entries.filter(e => e.counted).map(e => e.entry)
}

function existsRegular(file: string, label: string): boolean {
  try {
    lstatSync(file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw new ConfigurationError(
      `${label} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`
    )
  }
}

/**
 * Where the file's history is, or why it cannot be read. A clean tracked file is read from the
 * committed blob at HEAD, not from the working tree: a `.gitattributes` line (`eol=crlf`, a
 * filter) changes what a checkout writes, never what was committed and chained.
 */
async function locate(file: string, git: GitStreamer, requireHistory: boolean): Promise<Located> {
  const dir = path.dirname(realpathSync(file))
  if ((await gitText(git, ['--version'], dir)) === undefined)
    return { skipped: 'git is not installed here (e.g. a node:24-slim init container)' }
  const top = await gitText(git, ['rev-parse', '--show-toplevel'], dir)
  if (top === undefined) return { skipped: 'the file is not in a git repository' }
  const relative = path.relative(realpathSync(top), realpathSync(file)).split(path.sep).join('/')
  const literal = `:(literal)${relative}`
  // An untracked file has no history to read (a copy outside the checkout, a scratch file).
  if ((await gitText(git, ['ls-files', '--error-unmatch', '--', literal], top)) === undefined)
    return { skipped: 'the file is not tracked by git' }
  if (await shallowClone(git, top)) {
    if (requireHistory)
      throw new ConfigurationError(
        `The history check needs the whole git history, but ${top} is a shallow clone; ` +
          'fetch it whole (actions/checkout with fetch-depth: 0, or git fetch --unshallow) or turn the history check off'
      )
    return {
      skipped:
        'the clone is shallow (fetch it whole: actions/checkout with fetch-depth: 0, or git fetch --unshallow)',
      shallow: true
    }
  }
  // Uncommitted changes (as git sees them, after its filters) are read from the working tree,
  // where the history check reports each line no commit holds.
  const clean =
    (await gitText(
      git,
      ['diff', '--quiet', '--no-ext-diff', '--no-textconv', 'HEAD', '--', literal],
      top
    )) !== undefined
  return { top, relative, committed: clean }
}

async function* committedBytes(
  git: GitStreamer,
  top: string,
  relative: string
): AsyncGenerator<Buffer> {
  const run = git(['cat-file', 'blob', `HEAD:${relative}`], { cwd: top })
  for await (const chunk of run.stdout) yield chunk
  const done = await run.done
  if (done.code !== 0)
    throw new ConfigurationError(
      `git cannot read the committed ${relative} at HEAD (${done.stderr.trim().split('\n').at(-1) ?? ''}); ` +
        'is it a regular file in the last commit?'
    )
}

/** Streams the file without following a link (lstat first, then O_NOFOLLOW). */
async function* fileBytes(file: string, label: string): AsyncGenerator<Buffer> {
  let handle
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigurationError(
      code === 'ELOOP'
        ? `${label} is a symbolic link; the audit log must be a regular file in the repository`
        : `${label} cannot be opened (${code ?? 'error'})`
    )
  }
  const stream = handle.createReadStream({ highWaterMark: 1 << 16 })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk
  } finally {
    stream.destroy()
    await handle.close().catch(() => undefined)
  }
}
