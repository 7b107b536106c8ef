import { createHash } from 'node:crypto'
import { ActionError, ConfigurationError } from '../core/errors.js'
import { ByteReader } from '../git/byte-reader.js'
import { gitText, RequestStream, type GitStreamer } from '../git/stream.js'
import { identityAllowed, type AuditIdentity } from './identities.js'
import { parseLineTrailer } from './line-trailer.js'
import { replaceUnsafe } from '../core/text-safety.js'

/**
 * The history check: reads the git history of AUDIT.log in ONE `git log` pass and attributes
 * every line of the current file to the commit that added it.
 *
 * Why not `git log -p`: git stores every version of the file whole, so diffing each version
 * against the one before costs the file's size per commit, O(n²) over a log of n one-line
 * commits (measured: 4,000 entries 22 s, and 4x per doubling). Instead the log is read with
 * `--raw` (blob ids only, linear), and each commit the suite wrote names the line it added in an
 * `Audit-Line: <seq> <sha256>` trailer (line-trailer.ts). A commit by an allowed identity whose
 * trailer names the next line is taken at its word; every other commit (another identity, no
 * trailer, a bad signature, a merge) has its version of the file read and compared line by line.
 * At the end the recorded hashes must equal the current file's lines, so a line that a later
 * commit changed differs from what its own commit recorded, whoever changed it: the hash chain
 * then ties every line before a verified one to it.
 */

export interface HistoryOptions {
  /** The repository's top directory. */
  repoDir: string
  /** The audit file inside it, with '/' separators. */
  file: string
  identities: readonly AuditIdentity[]
  /** A commit the history must still contain, with the file as it was then (e.g. a tip an older clone kept). */
  expectedCommit?: string
  git: GitStreamer
}

export interface HistoryFinding {
  /** 1-based line of the current file (for a removal, where the removed lines were). */
  line: number
  /** The commit responsible; empty for a line no commit holds. */
  commit: string
  reason: string
}

export interface HistoryResult {
  /** Commits that changed the file, oldest first. */
  commits: number
  /** Findings in line order; at most one per line, plus removals and rewrites. */
  findings: HistoryFinding[]
  /** Lines (1-based) that failed; reconcile and status leave their entries out. */
  failedLines: Set<number>
  /** Signatures git found on the file's commits, by %G? verdict (G, U, E, ...). */
  signatures: Record<string, number>
  /** Commits whose file content was read because their trailer could not be taken at its word. */
  contentReads: number
}

interface Commit {
  sha: string
  parents: number
  author: string
  email: string
  signature: string
  signer: string
  trailer: string
  newBlob: string | null
}

const ZERO = /^0+$/
const RAW = /^:\d{6} (\d{6}) [0-9a-f]{40,64} ([0-9a-f]{40,64}) [A-Z]\d*\t/

const short = (sha: string): string => sha.slice(0, 12)
// Names come from commits anyone can write: no control characters reach a message.
const clean = (text: string): string => replaceUnsafe(text, '?')

/** Checks the history of `options.file` against `lines`, the SHA-256 (hex) of each current line. */
export async function checkHistory(
  lines: readonly string[],
  options: HistoryOptions
): Promise<HistoryResult> {
  const state = new HistoryState(options.identities)
  const blobs = new BlobReader(options.git, options.repoDir)
  const log = options.git(
    [
      '-c',
      'log.showSignature=false',
      'log',
      '--first-parent',
      '--diff-merges=first-parent',
      '--reverse',
      '--raw',
      '--no-abbrev',
      '--no-renames',
      '--no-color',
      `--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%G?%x1f%GK%x1f%(trailers:key=Audit-Line,valueonly,separator=%x2C)%x1f`,
      'HEAD',
      '--',
      `:(literal)${options.file}`
    ],
    { cwd: options.repoDir }
  )
  const reader = new ByteReader(log.stdout)
  try {
    await reader.until(0x1e)
    for (;;) {
      const record = await reader.until(0x1e)
      if (record === undefined) break
      const commit = parseRecord(record)
      await state.apply(commit, blobs)
    }
  } finally {
    await blobs.close()
  }
  const done = await log.done
  if (done.code !== 0) {
    throw new ActionError(
      `git log of ${options.file} failed: ${done.stderr.trim().split('\n').slice(-2).join(' ')}`
    )
  }
  state.compare(lines)
  if (options.expectedCommit) await checkExpected(options, lines, state)
  return state.result()
}

function parseRecord(record: Buffer): Commit {
  const parts = record.toString('utf8').split('\x1f')
  const sha = parts[0] ?? ''
  // Eight fields and the raw part: a name or trailer holding a separator would shift them, so
  // the shape is checked and such a commit fails the check rather than being misread.
  if (parts.length !== 8 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new ActionError(
      `git log printed a commit record that cannot be read${/^[0-9a-f]{40,64}/.test(sha) ? ` (commit ${short(sha)})` : ''}: ` +
        'its author or message holds control characters the history check refuses to guess around'
    )
  }
  let newBlob: string | null = null
  for (const line of parts[7]!.split('\n')) {
    const raw = RAW.exec(line)
    if (raw) newBlob = ZERO.test(raw[2]!) || raw[1] === '000000' ? '' : raw[2]!
  }
  return {
    sha,
    parents: parts[1]!.split(' ').filter(Boolean).length,
    author: parts[2]!,
    email: parts[3]!,
    signature: parts[4]!,
    signer: parts[5]!,
    trailer: parts[6]!.trim(),
    newBlob
  }
}

/** What the history says each line is, as of the commit last applied. */
class HistoryState {
  private readonly recorded: string[] = []
  private readonly by: number[] = []
  private readonly problem: (string | undefined)[] = []
  private readonly shas: string[] = []
  private readonly extra: HistoryFinding[] = []
  readonly signatures: Record<string, number> = {}
  reads = 0

  constructor(private readonly identities: readonly AuditIdentity[]) {}

  async apply(commit: Commit, blobs: BlobReader): Promise<void> {
    if (commit.newBlob === null) return
    const index = this.shas.push(commit.sha) - 1
    if (commit.signature !== 'N')
      this.signatures[commit.signature] = (this.signatures[commit.signature] ?? 0) + 1
    const who = `${clean(commit.author)} <${clean(commit.email)}>`
    const allowed = identityAllowed(this.identities, commit.author, commit.email)
    const badSignature =
      commit.signature === 'B'
        ? 'has a bad signature'
        : commit.signature === 'R'
          ? `is signed with a revoked key (${clean(commit.signer)})`
          : undefined
    const trailer = parseLineTrailer(commit.trailer)
    if (
      allowed &&
      !badSignature &&
      commit.parents <= 1 &&
      commit.newBlob !== '' &&
      trailer?.seq === this.recorded.length + 1
    ) {
      this.recorded.push(trailer.sha256)
      this.by.push(index)
      this.problem.push(undefined)
      return
    }
    // Anything else: read this version of the file and compare it line by line.
    this.reads++
    const hashes = commit.newBlob === '' ? [] : await blobs.lineHashes(commit.newBlob)
    const known = this.recorded.length
    const changed: number[] = []
    for (let i = 0; i < Math.min(known, hashes.length); i++)
      if (hashes[i] !== this.recorded[i]) changed.push(i)
    const removed = Math.max(known - hashes.length, 0)
    const added = Math.max(hashes.length - known, 0)
    const at = `commit ${short(commit.sha)} (${who})`
    const faults: string[] = []
    if (!allowed) faults.push('is not by an allowed audit identity')
    if (badSignature) faults.push(badSignature)
    if (commit.parents > 1) faults.push('is a merge (the suite never merges into the audit log)')
    if (added > 1) faults.push(`added ${added} lines at once (the suite adds one per commit)`)
    if (changed.length > 0) faults.push(`also changed line ${changed[0]! + 1}`)
    if (removed > 0) faults.push('also removed lines')
    if (trailer && allowed && added === 1 && hashes[known] !== trailer.sha256)
      faults.push('names another line in its Audit-Line trailer than the one it added')
    for (const i of changed) {
      const before = short(this.shas[this.by[i]!] ?? '')
      this.recorded[i] = hashes[i]!
      this.by[i] = index
      this.problem[i] = `was changed by ${at}, after commit ${before} added it`
    }
    if (removed > 0) {
      this.extra.push({
        line: hashes.length + 1,
        commit: commit.sha,
        reason:
          commit.newBlob === ''
            ? `${at} deleted the file, removing its ${known} line(s)`
            : `${at} removed line(s) ${hashes.length + 1}-${known}`
      })
      this.recorded.length = hashes.length
      this.by.length = hashes.length
      this.problem.length = hashes.length
    }
    for (let i = known; i < hashes.length; i++) {
      this.recorded.push(hashes[i]!)
      this.by.push(index)
      this.problem.push(
        faults.length > 0 ? `was added by ${at}, which ${faults.join('; ')}` : undefined
      )
    }
  }

  /** The current file's lines against what the history recorded. */
  compare(lines: readonly string[]): void {
    const n = this.recorded.length
    for (let i = 0; i < Math.min(n, lines.length); i++) {
      if (lines[i] === this.recorded[i] || this.problem[i]) continue
      const sha = this.shas[this.by[i]!]!
      this.problem[i] =
        `differs from the line commit ${short(sha)} recorded: it was changed after that commit (by a later commit or in the working tree)`
    }
    for (let i = n; i < lines.length; i++) {
      this.recorded.push(lines[i]!)
      this.by.push(-1)
      this.problem.push('is in no commit: it was added to the working tree, not committed')
    }
    if (lines.length < n && this.extra.every(e => e.line !== lines.length + 1)) {
      this.extra.push({
        line: lines.length + 1,
        commit: '',
        reason: `the working tree lacks line(s) ${lines.length + 1}-${n} that the history holds`
      })
    }
  }

  addFinding(finding: HistoryFinding): void {
    this.extra.push(finding)
  }

  result(): HistoryResult {
    const findings: HistoryFinding[] = [...this.extra]
    this.problem.forEach((reason, i) => {
      if (reason) findings.push({ line: i + 1, commit: this.shas[this.by[i]!] ?? '', reason })
    })
    findings.sort((a, b) => a.line - b.line)
    return {
      commits: this.shas.length,
      findings,
      failedLines: new Set(findings.map(f => f.line)),
      signatures: this.signatures,
      contentReads: this.reads
    }
  }
}

/** `git cat-file --batch`, started on the first read and fed one object at a time. */
class BlobReader {
  private process:
    { write(text: string): void; reader: ByteReader; close(): Promise<void> } | undefined

  constructor(
    private readonly git: GitStreamer,
    private readonly cwd: string
  ) {}

  async lineHashes(oid: string): Promise<string[]> {
    const content = await this.read(oid)
    const hashes: string[] = []
    let start = 0
    for (let at = content.indexOf(10); at !== -1; at = content.indexOf(10, start)) {
      hashes.push(createHash('sha256').update(content.subarray(start, at)).digest('hex'))
      start = at + 1
    }
    if (start < content.length)
      hashes.push(createHash('sha256').update(content.subarray(start)).digest('hex'))
    return hashes
  }

  async read(object: string): Promise<Buffer> {
    this.process ??= this.start()
    this.process.write(`${object}\n`)
    const header = (await this.process.reader.until(10))?.toString('utf8') ?? ''
    const [, type, size] = header.split(' ')
    if (type === undefined || size === undefined) return Buffer.alloc(0)
    if (type !== 'blob')
      throw new ActionError(`git cat-file: ${object.slice(0, 40)} is a ${type}, not a file`)
    const content = await this.process.reader.exact(Number(size) + 1)
    if (content === undefined) throw new ActionError(`git cat-file ended while reading ${object}`)
    return content.subarray(0, Number(size))
  }

  private start(): { write(text: string): void; reader: ByteReader; close(): Promise<void> } {
    // Requests are written one at a time, so the input must stay open: a stream of our own.
    const input = new RequestStream()
    const run = this.git(['cat-file', '--batch'], { cwd: this.cwd, input })
    return {
      write: text => input.push(text),
      reader: new ByteReader(run.stdout),
      close: async () => {
        input.end()
        await run.done
      }
    }
  }

  async close(): Promise<void> {
    await this.process?.close()
  }
}

async function checkExpected(
  options: HistoryOptions,
  lines: readonly string[],
  state: HistoryState
): Promise<void> {
  const expected = options.expectedCommit!
  const exists = await gitText(
    options.git,
    ['cat-file', '-t', `${expected}^{commit}`],
    options.repoDir
  )
  if (exists === undefined) {
    state.addFinding({
      line: 1,
      commit: expected,
      reason: `the expected commit ${short(expected)} is not in this clone; fetch it (or pass a commit the clone has)`
    })
    return
  }
  const ancestor = await gitText(
    options.git,
    ['merge-base', '--is-ancestor', `${expected}^{commit}`, 'HEAD'],
    options.repoDir
  )
  const blobs = new BlobReader(options.git, options.repoDir)
  let then: string[]
  try {
    then = await blobs.lineHashes(`${expected}:${options.file}`)
  } finally {
    await blobs.close()
  }
  const differs = then.findIndex((hash, i) => lines[i] !== hash)
  if (ancestor === undefined || differs !== -1 || then.length > lines.length) {
    const line = differs === -1 ? Math.min(then.length, lines.length) + 1 : differs + 1
    state.addFinding({
      line,
      commit: expected,
      reason:
        `the history was rewritten: commit ${short(expected)}, which this clone kept, ` +
        `${ancestor === undefined ? 'is no longer an ancestor of HEAD' : 'no longer holds the file it recorded'}` +
        (differs === -1
          ? then.length > lines.length
            ? `, and the file now lacks line(s) ${lines.length + 1}-${then.length} it had`
            : ''
          : `, and line ${differs + 1} differs from what it held`)
    })
  }
}

/** Refuses a shallow clone: its first commit would seem to add every older line at once. */
export async function assertFullHistory(git: GitStreamer, repoDir: string): Promise<void> {
  if ((await gitText(git, ['rev-parse', '--is-shallow-repository'], repoDir)) === 'true') {
    throw new ConfigurationError(
      `The history check needs the whole git history, but ${repoDir} is a shallow clone; ` +
        'fetch it whole (actions/checkout with fetch-depth: 0, or git fetch --unshallow) or turn the history check off'
    )
  }
}
