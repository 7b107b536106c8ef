import { realpathSync } from 'node:fs'
import path from 'node:path'
import { gitText, streamGit, type GitStreamer } from '../git/stream.js'
import type { ChainBreak, ChainResult } from './chain.js'
import { sha256Hex } from './format.js'
import {
  assertFullHistory,
  checkHistory,
  type HistoryFinding,
  type HistoryResult
} from './history.js'
import { SUITE_IDENTITIES, type AuditIdentity } from './identities.js'
import { verifyFile, type VerifyOptions } from './verify.js'

export interface TrustOptions extends VerifyOptions {
  /** Read the file's git history too (default true); skipped with a note outside a repository. */
  history?: boolean
  identities?: readonly AuditIdentity[]
  expectedCommit?: string
  /** For refuseLinkedFile's message and the workspace boundary (verify.ts). */
  root?: string
  label?: string
  git?: GitStreamer
}

export interface TrustReport {
  exists: boolean
  chain: ChainResult
  /** The history check's result, or why it did not run. */
  history: HistoryResult | { skipped: string }
  /** The chain verifies and the history check (when it ran) found nothing. */
  valid: boolean
  /** The earliest problem of either check. */
  firstBad?: ChainBreak & { commit?: string }
}

/**
 * verify mode's whole check: the hash chain, then the history of the file. The chain pass
 * collects each line's SHA-256, which the history check compares with what the commits
 * recorded; both are linear in the number of lines.
 */
export async function verifyTrail(file: string, options: TrustOptions = {}): Promise<TrustReport> {
  const hashes: string[] = []
  const { onEntry } = options
  const keep = options.history !== false
  const chain = await verifyFile(file, {
    ...options,
    onEntry: (line, seq) => {
      if (keep) hashes.push(sha256Hex(line))
      onEntry?.(line, seq)
    }
  })
  const { exists, ...chainResult } = chain
  const history =
    options.history === false
      ? { skipped: 'the history check is off' }
      : !exists
        ? { skipped: 'the file does not exist' }
        : await historyOf(file, hashes, options)
  const findings = 'findings' in history ? history.findings : []
  const first = findings[0]
  const report: TrustReport = {
    exists,
    chain: chainResult,
    history,
    valid: chainResult.valid && findings.length === 0
  }
  const broken = chainResult.firstBad
  if (broken && (!first || broken.line <= first.line)) report.firstBad = broken
  else if (first) report.firstBad = { line: first.line, reason: first.reason, commit: first.commit }
  return report
}

async function historyOf(
  file: string,
  hashes: string[],
  options: TrustOptions
): Promise<HistoryResult | { skipped: string }> {
  const git = options.git ?? streamGit
  const dir = path.dirname(realpathSync(file))
  const top = await gitText(git, ['rev-parse', '--show-toplevel'], dir)
  if (top === undefined) return { skipped: 'the file is not in a git repository' }
  const relative = path.relative(realpathSync(top), realpathSync(file)).split(path.sep).join('/')
  // An untracked file has no history to read (a copy outside the checkout, a scratch file).
  if (
    (await gitText(git, ['ls-files', '--error-unmatch', '--', `:(literal)${relative}`], top)) ===
    undefined
  )
    return { skipped: 'the file is not tracked by git' }
  await assertFullHistory(git, top)
  return checkHistory(hashes, {
    repoDir: top,
    file: relative,
    identities: options.identities ?? SUITE_IDENTITIES,
    ...(options.expectedCommit ? { expectedCommit: options.expectedCommit } : {}),
    git
  })
}

/** One line for a log: what the history check did, or why it did not run. */
export function describeHistory(history: TrustReport['history']): string {
  if ('skipped' in history) return `history not checked: ${history.skipped}`
  const signed = Object.entries(history.signatures)
    .map(
      ([verdict, count]) => `${count} ${SIGNATURE_WORDS[verdict] ?? `signature verdict ${verdict}`}`
    )
    .join(', ')
  return (
    `history of ${history.commits} commit(s) checked, ${history.findings.length} finding(s)` +
    (signed ? `; signatures: ${signed}` : '')
  )
}

/** git's %G? verdicts, in words. */
export const SIGNATURE_WORDS: Record<string, string> = {
  G: 'good',
  U: 'good, of unknown validity',
  X: 'good but expired',
  Y: 'good, by an expired key',
  R: 'by a revoked key',
  B: 'bad',
  E: "not checkable offline (the signer's key is not in the keyring)"
}

/** Lines whose entries reconcile and status may use: the chain verified them and the history check did not flag them. */
export function trustedLine(report: TrustReport): (line: number) => boolean {
  const failed = 'failedLines' in report.history ? report.history.failedLines : new Set<number>()
  return line => line <= report.chain.entries && !failed.has(line)
}

export type { HistoryFinding }
