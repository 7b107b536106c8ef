import { AUDIT_EVENTS } from './entry.js'
import { FORMAT_VERSION, GENESIS_PREV, REQUIRED_KEYS, sha256Hex } from './format.js'

export interface ChainBreak {
  /** 1-based line number of the first bad line. */
  line: number
  reason: string
}

export interface ChainResult {
  valid: boolean
  /** Lines that verified (all of them when valid). */
  entries: number
  /** SHA-256 of the last verified line; 64 zeros for an empty file. */
  headSha256: string
  firstBad?: ChainBreak
}

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const HEX64 = /^[0-9a-f]{64}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string }

function parse(bytes: Buffer): Parsed {
  if (bytes.length === 0) return { ok: false, reason: 'is blank (the format has no blank lines)' }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { ok: false, reason: 'is not valid UTF-8' }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // The parser's message quotes the line; a reason is shown in logs and summaries, so it
    // keeps only the position (the line may be anything, e.g. a secret behind a link).
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    return {
      ok: false,
      reason: `is not valid JSON${at === undefined ? '' : ` (at character ${at})`}`
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'is not a JSON object' }
  return { ok: true, value: value as Record<string, unknown> }
}

function fieldProblem(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.ts !== 'string' || !TS.test(entry.ts))
    return 'has a ts that is not UTC RFC 3339 with milliseconds'
  if (!(AUDIT_EVENTS as readonly unknown[]).includes(entry.event))
    return `has an unknown event ${JSON.stringify(entry.event)}`
  if (entry.outcome !== 'success' && entry.outcome !== 'failure')
    return 'has an outcome other than success or failure'
  if (!Array.isArray(entry.approvals)) return 'has approvals that are not a list'
  if (!entry.lineage || typeof entry.lineage !== 'object')
    return 'has a lineage that is not an object'
  return undefined
}

/** A line whose verdict waits for the next one (see diagnose*): it decides which line was touched. */
interface Pending {
  line: number
  hash: string
  value: Record<string, unknown>
  kind: 'seq' | 'prev'
}

/**
 * Checks AUDIT.log one line at a time, holding only the last two line hashes, so a file of any
 * size verifies in constant memory. A break is usually seen one line after the tampered one (a
 * changed line still parses; the next line's prev exposes it), so on a seq or prev mismatch the
 * checker looks one line ahead to name the line that was actually changed, deleted or inserted.
 */
export class ChainChecker {
  private count = 0
  private last = GENESIS_PREV
  private beforeLast = GENESIS_PREV
  private pending: Pending | undefined
  private broken: ChainBreak | undefined
  private anchorSeen = false

  /** `anchor`: SHA-256 of a line the file must contain (an earlier append's output). */
  constructor(private readonly anchor?: string) {}

  get done(): boolean {
    return this.broken !== undefined
  }

  /** Lines verified so far. */
  get accepted(): number {
    return this.count
  }

  /** Feeds one line (without '\n'); `terminated` is false only for a final line lacking '\n'. */
  push(bytes: Buffer, terminated: boolean): void {
    if (this.broken) return
    const n = this.count + 1
    const hash = sha256Hex(bytes)
    const parsed = parse(bytes)
    if (this.pending) {
      this.resolve(parsed.ok ? parsed.value : undefined, hash)
      return
    }
    if (!terminated) {
      this.fail(
        n,
        parsed.ok
          ? 'does not end in a newline'
          : 'is truncated: incomplete and without its final newline'
      )
      return
    }
    if (!parsed.ok) return this.fail(n, parsed.reason)
    const entry = parsed.value
    const missing = REQUIRED_KEYS.filter(key => !(key in entry))
    if (missing.length > 0) return this.fail(n, `is missing required key(s): ${missing.join(', ')}`)
    if (entry.v !== FORMAT_VERSION)
      return this.fail(n, `has v ${JSON.stringify(entry.v)}; this verifier reads format version 1`)
    if (typeof entry.seq !== 'number' || !Number.isInteger(entry.seq))
      return this.fail(n, 'has a seq that is not an integer')
    if (typeof entry.prev !== 'string' || !HEX64.test(entry.prev))
      return this.fail(n, 'has a prev that is not a lowercase hex SHA-256')
    if (hash === this.last && n > 1) return this.fail(n, `repeats line ${n - 1} byte for byte`)
    if (entry.seq !== n) {
      this.pending = { line: n, hash, value: entry, kind: 'seq' }
      return
    }
    if (entry.prev !== this.last) {
      if (n === 1) return this.fail(1, 'is the first line but its prev is not 64 zeros')
      this.pending = { line: n, hash, value: entry, kind: 'prev' }
      return
    }
    const problem = fieldProblem(entry)
    if (problem) return this.fail(n, problem)
    this.accept(hash)
  }

  finish(): ChainResult {
    if (this.pending) this.resolve(undefined, undefined)
    if (!this.broken && this.anchor && !this.anchorSeen) {
      this.fail(
        Math.max(this.count, 1),
        `no line has the expected SHA-256 ${this.anchor}: the last line was changed, or lines were removed from the end`
      )
    }
    const result: ChainResult = { valid: !this.broken, entries: this.count, headSha256: this.last }
    if (this.broken) result.firstBad = this.broken
    return result
  }

  private accept(hash: string): void {
    this.count++
    this.beforeLast = this.last
    this.last = hash
    if (hash === this.anchor) this.anchorSeen = true
  }

  private fail(line: number, reason: string): void {
    this.broken = { line, reason }
  }

  /** Decides a seq or prev mismatch at pending.line from the line after it (undefined at the end). */
  private resolve(next: Record<string, unknown> | undefined, nextHash: string | undefined): void {
    const p = this.pending!
    this.pending = undefined
    if (p.kind === 'seq') return this.diagnoseSeq(p, next)
    return this.diagnosePrev(p, next, nextHash)
  }

  private diagnoseSeq(p: Pending, next: Record<string, unknown> | undefined): void {
    const n = p.line
    const seq = p.value.seq as number
    if (seq === n - 1 && p.value.prev === this.beforeLast) {
      return this.fail(
        n - 1,
        `was inserted: line ${n} has seq ${seq} and chains to line ${n - 2}, not to line ${n - 1}`
      )
    }
    if (next?.seq === n && seq > n) {
      return this.fail(
        n,
        `is out of order: it has seq ${seq} and the next line has seq ${n} (lines swapped)`
      )
    }
    if (seq > n) {
      return this.fail(
        n,
        `has seq ${seq}, expected ${n}: ${seq - n === 1 ? 'a line was' : `${seq - n} lines were`} deleted before it`
      )
    }
    return this.fail(n, `has seq ${seq}, expected ${n}`)
  }

  private diagnosePrev(
    p: Pending,
    next: Record<string, unknown> | undefined,
    nextHash: string | undefined
  ): void {
    const n = p.line
    if (next && nextHash !== undefined && next.prev === p.hash) {
      // Line n is exactly what line n+1 recorded, so line n-1 is the one that no longer matches.
      return this.fail(
        n - 1,
        `was changed: its SHA-256 no longer matches the prev recorded in line ${n}`
      )
    }
    if (next)
      return this.fail(
        n,
        `was changed: its prev does not match line ${n - 1} and line ${n + 1} does not chain to it`
      )
    return this.fail(
      n - 1,
      `was changed (or the prev of line ${n} was): the prev recorded in line ${n} does not match line ${n - 1}'s SHA-256`
    )
  }
}
