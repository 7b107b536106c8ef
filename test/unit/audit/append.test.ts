import { describe, expect, it } from '@jest/globals'
import {
  appendEntry,
  AppendFailedError,
  type AuditStore,
  type Tip,
  type WriteResult
} from '../../../src/audit/append.js'
import { sha256Hex } from '../../../src/audit/format.js'
import { verifyBytes } from '../../../src/audit/verify.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { buildLines, joinLines, sampleFields } from '../../harness/audit-sample.js'

/** An in-memory branch with compare-and-set; `interlopers` lines land just before our writes. */
class MemoryStore implements AuditStore {
  readonly description = 'memory'
  head = 'h0'
  content: Buffer
  writes = 0
  constructor(
    initial: Buffer,
    private interlopers: number
  ) {
    this.content = initial
  }
  readTip(): Promise<Tip> {
    return Promise.resolve({ head: this.head, content: this.content })
  }
  write(tip: Tip, content: Buffer): Promise<WriteResult> {
    this.writes++
    if (this.interlopers > 0) {
      this.interlopers--
      const lines = this.content.toString('utf8').split('\n').filter(Boolean)
      this.content = joinLines(buildLines(lines.length + 1))
      this.head = `h${this.writes}`
    }
    if (tip.head !== this.head) return Promise.resolve({ kind: 'conflict', detail: 'moved' })
    this.content = content
    this.head = `c${this.writes}`
    return Promise.resolve({ kind: 'committed', sha: this.head })
  }
}

const deps = () => {
  const sleeps: number[] = []
  return {
    sleeps,
    logger: new MemoryLogger(),
    clock: { now: () => 0, sleep: (ms: number) => Promise.resolve(void sleeps.push(ms)) }
  }
}

describe('appendEntry', () => {
  it('recomputes seq and prev after each lost race and lands after the winners', async () => {
    const store = new MemoryStore(joinLines(buildLines(2)), 3)
    const d = deps()
    const result = await appendEntry(
      store,
      sampleFields(50),
      'AUDIT.log',
      { maxAttempts: 5, backoffMs: 100, random: () => 0.5 },
      d
    )
    expect(result).toMatchObject({ seq: 6, attempts: 4, commitSha: 'c4' })
    expect(result.sha256).toBe(sha256Hex(result.line))
    expect(await verifyBytes(store.content)).toMatchObject({
      valid: true,
      entries: 6,
      headSha256: result.sha256
    })
    expect(d.sleeps).toEqual([50, 100, 200])
  })

  it('gives up after max-attempts with the entry kept, never writing a partial result', async () => {
    const store = new MemoryStore(Buffer.alloc(0), 10)
    const error = (await appendEntry(
      store,
      sampleFields(1),
      'AUDIT.log',
      { maxAttempts: 3, backoffMs: 0 },
      deps()
    ).then(
      () => undefined,
      (e: unknown) => e
    )) as AppendFailedError
    expect(error).toBeInstanceOf(AppendFailedError)
    expect(error.message).toContain('after 3 attempt(s)')
    expect(error.line).toContain('"seq":3')
    expect(store.writes).toBe(3)
  })

  it('refuses to extend a broken chain and names the first bad line', async () => {
    const lines = buildLines(4)
    const store = new MemoryStore(joinLines([lines[0]!, lines[2]!, lines[3]!]), 0)
    const run = appendEntry(
      store,
      sampleFields(9),
      'AUDIT.log',
      { maxAttempts: 3, backoffMs: 0 },
      deps()
    )
    await expect(run).rejects.toThrow(
      'Refusing to append: AUDIT.log at h0 has a broken chain at line 2'
    )
    expect(store.writes).toBe(0)
  })

  it('waits with full jitter between lost races, bounded at 16 times the base', async () => {
    const store = new MemoryStore(joinLines(buildLines(1)), 9)
    const d = deps()
    const result = await appendEntry(
      store,
      sampleFields(50),
      'AUDIT.log',
      { maxAttempts: 10, backoffMs: 100, random: () => 0.999 },
      d
    )
    expect(result.attempts).toBe(10)
    expect(d.sleeps).toEqual([99, 199, 399, 799, 1598, 1598, 1598, 1598, 1598])
  })
})
