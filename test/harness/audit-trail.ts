import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  readTrail,
  type GithubCheck,
  type Trail,
  type TrailOptions
} from '../../src/audit/trail.js'

/**
 * An audit log's text read by the one trusted reader, from a scratch file outside any git
 * repository (so the history check says it is not available, as in an init container).
 */
export async function trailOf(text: string, options: TrailOptions = {}): Promise<Trail> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-trail-'))
  const file = path.join(dir, 'AUDIT.log')
  writeFileSync(file, text)
  return readTrail(file, options)
}

/** The hash chain alone of a file on disk (no history, no entries kept), as verify's first check. */
export async function chainOf(
  file: string,
  options: TrailOptions = {}
): Promise<Trail['report']['chain']> {
  return (await readTrail(file, { history: false, entries: false, ...options })).report.chain
}

/**
 * A GitHub step of the trusted reader that backs every line, for tests of what readers do with
 * entries GitHub's record backs (rollback's choice, say). What the real record backs is tested
 * against the strict stand-in (test/integration/audit-log/run-attacks.test.ts and the act runs).
 */
export const everyLineBacked: GithubCheck = entries =>
  Promise.resolve({
    verdict: { state: 'verified', note: "test: GitHub's record backs every run" },
    standings: new Map(entries.map(e => [e.line, { standing: 'governed' as const }]))
  })
