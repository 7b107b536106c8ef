import type { ChainBreak, ChainResult } from './chain.js'
import type { HistoryFinding, HistoryResult } from './history.js'

/**
 * The chain and history results in verify's shapes: the first bad line of either check, and
 * whether both passed. Built by the one reader (trail.ts) and shown by verify, evidence and the
 * action's outputs.
 */
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

export function trustReport(
  exists: boolean,
  chain: ChainResult,
  history: TrustReport['history']
): TrustReport {
  const findings = 'findings' in history ? history.findings : []
  const first = findings[0]
  const report: TrustReport = {
    exists,
    chain,
    history,
    valid: chain.valid && findings.length === 0
  }
  const broken = chain.firstBad
  if (broken && (!first || broken.line <= first.line)) report.firstBad = broken
  else if (first) report.firstBad = { line: first.line, reason: first.reason, commit: first.commit }
  return report
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

export type { HistoryFinding }
