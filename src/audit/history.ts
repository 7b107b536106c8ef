import { createHash, randomBytes } from 'node:crypto'
import { ActionError } from '../core/errors.js'
import { ByteReader } from '../git/byte-reader.js'
import { gitText, RequestStream, type GitStreamer } from '../git/stream.js'
import { identityAllowed, type AuditIdentity } from './identities.js'
import { parseLineTrailer } from './line-trailer.js'
import { replaceUnsafe } from '../core/text-safety.js'

/**
 * The history check: reads the git history of AUDIT.log in ONE `git log` pass and judges every
 * line of the current file by its exact bytes: a line counts when a "good" commit appended those
 * bytes, whatever happened to the file in between (an edit and its revert, a rename away and
 * back, a gitlink and back are net-zero and change nothing).
 *
 * A good commit is one that appended exactly one line at the end of the file and changed nothing
 * else, is not a merge, carries no bad or revoked signature, and whose *author* is one of the
 * allowed identities. The author is text any writer chooses, so this check is defence in depth
 * against edits, never proof of who wrote a line: GitHub's record of the runs is (verdict.ts).
 *
 * Why not `git log -p`: git stores every version of the file whole, so diffing each version
 * against the one before costs the file's size per commit, O(n²) over a log of n one-line
 * commits (measured: 4,000 entries 22 s, and 4x per doubling). Instead the log is read with
 * `--raw` (blob ids only, linear), and each commit the suite wrote names the line it added in an
 * `Audit-Line: <seq> <sha256>` trailer (line-trailer.ts). A commit by an allowed identity whose
 * trailer names the next line is taken at its word; every other commit (another identity, no
 * trailer, a bad signature, a merge) has its committed blob read (`git cat-file`, no filters)
 * and compared line by line.
 *
 * git's output is read with NUL separators (`-z`, `%x00`) between two markers holding a random
 * nonce, so an author name or message holding control characters cannot shift a field; a record
 * whose shape is still wrong (a NUL in a name) makes that commit "not good", never the whole
 * check fail.
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
  /** Findings in line order: every failing line, plus lines a good commit appended that are gone. */
  findings: HistoryFinding[]
  /** Lines (1-based) of the current file whose bytes no good commit appended; readers leave their entries out. */
  failedLines: Set<number>
  /** Signatures git found on the file's commits, by %G? verdict (G, U, E, ...). */
  signatures: Record<string, number>
  /** Commits whose file content was read because their trailer could not be taken at its word. */
  contentReads: number
}

/** What one commit did to the file: a new blob, or the file gone (deleted, or not a file). */
type Change = { kind: 'file'; blob: string } | { kind: 'deleted' | 'gitlink' | 'symlink' | 'other' }

interface Commit {
  sha: string
  parents: number
  author: string
  email: string
  signature: string
  signer: string
  trailer: string
  /** The record had the expected shape; an unreadable one is never a good commit. */
  readable: boolean
  change: Change | undefined
}

const ZERO = /^0+$/
const HEX = /^[0-9a-f]{40,64}$/
const RAW = /^:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])\d*$/

const short = (sha: string): string => sha.slice(0, 12)
// Names come from commits anyone can write: no control characters reach a message.
const clean = (text: string): string => replaceUnsafe(text, '?')

function changeOf(mode: string, blob: string): Change {
  if (mode === '000000' || ZERO.test(blob)) return { kind: 'deleted' }
  if (mode === '100644' || mode === '100755') return { kind: 'file', blob }
  if (mode === '160000') return { kind: 'gitlink' }
  if (mode === '120000') return { kind: 'symlink' }
  return { kind: 'other' }
}

const GONE: Record<Exclude<Change['kind'], 'file'>, string> = {
  deleted: 'deleted the file',
  gitlink: 'turned the file into a gitlink (submodule)',
  symlink: 'turned the file into a symbolic link',
  other: 'turned the file into something that is not a file'
}

/** Checks the history of `options.file` against `lines`, the SHA-256 (hex) of each current line. */
export async function checkHistory(
  lines: readonly string[],
  options: HistoryOptions
): Promise<HistoryResult> {
  const state = new HistoryState(options.identities)
  const blobs = new BlobReader(options.git, options.repoDir)
  // A fresh nonce per run: no commit written before it can hold the markers.
  const nonce = randomBytes(12).toString('hex')
  const start = `mg-start-${nonce}`
  const end = `mg-end-${nonce}`
  // Compared as bytes: one allocation per token is the cost that matters at 100,000 commits.
  const startBytes = Buffer.from(start)
  const endBytes = Buffer.from(end)
  const isStart = (token: Buffer): boolean => token.equals(startBytes)
  const log = options.git(
    [
      '-c',
      'log.showSignature=false',
      'log',
      '-z',
      '--no-mailmap',
      '--first-parent',
      '--diff-merges=first-parent',
      '--reverse',
      '--raw',
      '--no-abbrev',
      '--no-renames',
      '--no-color',
      // Free text (email, name, trailer) last: a NUL inside it can only lengthen the record.
      `--format=%x00${start}%x00%H%x00%P%x00%G?%x00%GK%x00%ae%x00%an%x00%(trailers:key=Audit-Line,valueonly,separator=%x2C)%x00${end}%x00`,
      'HEAD',
      '--',
      `:(literal)${options.file}`
    ],
    { cwd: options.repoDir }
  )
  const reader = new ByteReader(log.stdout)
  try {
    let token = await reader.until(0)
    while (token !== undefined) {
      if (!isStart(token)) {
        token = await reader.until(0)
        continue
      }
      const fields: string[] = []
      for (;;) {
        const next = await reader.until(0)
        if (next === undefined || next.equals(endBytes)) break
        fields.push(next.toString('utf8'))
      }
      // The raw part: `:<modes> <ids> <status>` then the path, until the next record.
      let change: Change | undefined
      let meta: RegExpExecArray | null = null
      for (;;) {
        token = await reader.until(0)
        if (token === undefined) break
        if (isStart(token)) break
        if (meta) {
          if (token.toString('utf8') === options.file) {
            const found = changeOf(meta[2]!, meta[4]!)
            // A type change may be listed as a removal and an addition: the file wins.
            if (change?.kind !== 'file' || found.kind === 'file') change = found
          }
          meta = null
          continue
        }
        meta =
          token[0] === 0x3a || token[1] === 0x3a ? RAW.exec(token.toString('latin1').trim()) : null
      }
      await state.apply(parseRecord(fields, change), blobs)
    }
  } finally {
    await blobs.close()
  }
  const done = await log.done
  if (done.code !== 0) {
    throw new ActionError(
      `git log of ${options.file} failed: ${clean(done.stderr.trim().split('\n').slice(-2).join(' '))}`
    )
  }
  state.compare(lines)
  if (options.expectedCommit) await checkExpected(options, lines, state)
  return state.result()
}

function parseRecord(fields: string[], change: Change | undefined): Commit {
  const [sha = '', parents = '', signature = '', signer = ''] = fields
  // Seven fields: a NUL in a name or the message adds some, and that commit is read as "not good".
  const readable =
    fields.length === 7 &&
    HEX.test(sha) &&
    /^[A-Z]$/.test(signature) &&
    /^[0-9A-Fa-f]*$/.test(signer)
  if (!HEX.test(sha))
    throw new ActionError(
      'git log printed a commit record without a commit id; is this a git repository?'
    )
  return {
    sha,
    parents: parents.split(' ').filter(Boolean).length,
    email: readable ? fields[4]! : '',
    author: readable ? fields[5]! : '',
    signature: readable ? signature : 'N',
    signer: readable ? signer : '',
    trailer: readable ? fields[6]!.trim() : '',
    readable,
    change
  }
}

/**
 * What the history says about the file: its lines as of the commit last applied, and for every
 * line's bytes whether a good commit appended them (or why the commit that wrote them is not good).
 */
class HistoryState {
  private readonly recorded: string[] = []
  private readonly by: number[] = []
  private readonly shas: string[] = []
  /** Bytes (their SHA-256) a good commit appended: commit index and the line it was. */
  private readonly good = new Map<string, { commit: number; line: number }>()
  /** Bytes that a commit which is not good wrote, and why it is not good. */
  private readonly blamed = new Map<string, { commit: number; reason: string }>()
  /** Good bytes a later commit removed or replaced. */
  private readonly removedBy = new Map<string, { commit: number; how: string }>()
  private readonly extra: HistoryFinding[] = []
  private failed = new Set<number>()
  readonly signatures: Record<string, number> = {}
  reads = 0

  constructor(private readonly identities: readonly AuditIdentity[]) {}

  async apply(commit: Commit, blobs: BlobReader): Promise<void> {
    const change = commit.change
    if (change === undefined) return
    const index = this.shas.push(commit.sha) - 1
    if (commit.signature !== 'N')
      this.signatures[commit.signature] = (this.signatures[commit.signature] ?? 0) + 1
    const who = commit.readable
      ? `${clean(commit.author)} <${clean(commit.email)}>`
      : 'an author that cannot be read'
    const allowed = commit.readable && identityAllowed(this.identities, commit.author, commit.email)
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
      change.kind === 'file' &&
      trailer?.seq === this.recorded.length + 1
    ) {
      this.recorded.push(trailer.sha256)
      this.by.push(index)
      if (!this.good.has(trailer.sha256))
        this.good.set(trailer.sha256, { commit: index, line: trailer.seq })
      return
    }
    // Anything else: read this version of the file (the committed blob) and compare.
    this.reads++
    const hashes = change.kind === 'file' ? await blobs.lineHashes(change.blob) : []
    const known = this.recorded.length
    const changed: number[] = []
    for (let i = 0; i < Math.min(known, hashes.length); i++)
      if (hashes[i] !== this.recorded[i]) changed.push(i)
    const removed = Math.max(known - hashes.length, 0)
    const added = Math.max(hashes.length - known, 0)
    const at = `commit ${short(commit.sha)} (${who})`
    const faults: string[] = []
    if (!commit.readable)
      faults.push('cannot be read unambiguously (its author or message holds a NUL byte)')
    else if (!allowed) faults.push('is not by an allowed audit identity')
    if (badSignature) faults.push(badSignature)
    if (commit.parents > 1) faults.push('is a merge (the suite never merges into the audit log)')
    if (added > 1) faults.push(`added ${added} lines at once (the suite adds one per commit)`)
    if (changed.length > 0) faults.push(`also changed line ${changed[0]! + 1}`)
    if (removed > 0) faults.push('also removed lines')
    if (trailer && allowed && added === 1 && hashes[known] !== trailer.sha256)
      faults.push('names another line in its Audit-Line trailer than the one it added')
    const how =
      change.kind === 'file' ? `${at} removed or replaced it` : `${at} ${GONE[change.kind]}`
    for (let i = hashes.length; i < known; i++) this.lose(this.recorded[i]!, index, how)
    for (const i of changed) {
      this.lose(this.recorded[i]!, index, how)
      const before = short(this.shas[this.by[i]!] ?? '')
      this.blame(hashes[i]!, index, `was changed by ${at}, after commit ${before} added it`)
      this.recorded[i] = hashes[i]!
      this.by[i] = index
    }
    this.recorded.length = Math.min(known, hashes.length)
    this.by.length = this.recorded.length
    for (let i = known; i < hashes.length; i++) {
      const hash = hashes[i]!
      this.recorded.push(hash)
      this.by.push(index)
      if (faults.length === 0 && !this.good.has(hash))
        this.good.set(hash, { commit: index, line: i + 1 })
      else this.blame(hash, index, `was added by ${at}, which ${faults.join('; ')}`)
    }
  }

  private blame(hash: string, commit: number, reason: string): void {
    if (!this.good.has(hash) && !this.blamed.has(hash)) this.blamed.set(hash, { commit, reason })
  }

  private lose(hash: string, commit: number, how: string): void {
    if (this.good.has(hash)) this.removedBy.set(hash, { commit, how })
  }

  /**
   * The current file's lines, judged by their bytes. Then the good lines that are no longer in
   * it (cut from the end, or replaced), so a removal is reported even though no line fails.
   */
  compare(lines: readonly string[]): void {
    const present = new Set(lines)
    lines.forEach((hash, i) => {
      if (this.good.has(hash)) {
        const appended = this.good.get(hash)!
        if (appended.line !== i + 1)
          this.fail(
            i + 1,
            this.shas[appended.commit]!,
            `is the line commit ${short(this.shas[appended.commit]!)} appended as line ${appended.line}, now at another place`
          )
        return
      }
      const blamed = this.blamed.get(hash)
      if (blamed) return this.fail(i + 1, this.shas[blamed.commit]!, blamed.reason)
      if (i < this.recorded.length) {
        const sha = this.shas[this.by[i]!]!
        return this.fail(
          i + 1,
          this.recorded[i] === hash ? sha : '',
          this.recorded[i] === hash
            ? `was written by commit ${short(sha)}, whose Audit-Line trailer names other bytes`
            : `differs from the line commit ${short(sha)} recorded: it was changed after that commit (in the working tree)`
        )
      }
      this.fail(i + 1, '', 'is in no commit: it was added to the working tree, not committed')
    })
    const gone = [...this.good.entries()]
      .filter(([hash, where]) => !present.has(hash) && !this.failed.has(where.line))
      .sort((a, b) => a[1].line - b[1].line)
    for (const [hash, where] of gone) {
      const removal = this.removedBy.get(hash)
      this.extra.push({
        line: where.line,
        commit: removal ? this.shas[removal.commit]! : '',
        reason:
          `the line commit ${short(this.shas[where.commit]!)} appended as line ${where.line} is no longer in the file` +
          (removal ? `: ${removal.how}` : ' (the working tree lacks it)')
      })
    }
  }

  private fail(line: number, commit: string, reason: string): void {
    this.failed.add(line)
    this.extra.push({ line, commit, reason })
  }

  addFinding(finding: HistoryFinding): void {
    this.extra.push(finding)
  }

  result(): HistoryResult {
    const findings = [...this.extra].sort((a, b) => a.line - b.line)
    return {
      commits: this.shas.length,
      findings,
      failedLines: this.failed,
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
    if (type === undefined || size === undefined || !/^\d+$/.test(size))
      throw new ActionError(
        `git cat-file cannot read ${clean(object.slice(0, 80))} (${clean(header.trim().slice(0, 80)) || 'no answer'}); ` +
          'the clone lacks it (a partial or shallow clone?): fetch the whole history'
      )
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

/** A shallow clone's first commit would seem to add every older line at once: it has no history to judge. */
export async function shallowClone(git: GitStreamer, repoDir: string): Promise<boolean> {
  return (await gitText(git, ['rev-parse', '--is-shallow-repository'], repoDir)) === 'true'
}
