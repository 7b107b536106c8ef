import { readFile } from 'node:fs/promises'
import { ActionError, ConfigurationError } from '../core/errors.js'
import { readAuditEntries, type AuditEntry } from '../audit/entry.js'
import type { AuditIdentity } from '../audit/identities.js'
import { trustedLine, verifyTrail } from '../audit/trust.js'

export interface AuditSourceOptions {
  /** The history check (default on): entries it fails are left out, and `warn` says which. */
  history?: boolean
  identities?: readonly AuditIdentity[]
  /** Told once when entries are left out (or the history could not be read): say so to the user. */
  warn?: (message: string) => void
  /** Told when the history check could not run (no repository, untracked file). */
  note?: (message: string) => void
}

/**
 * Reads an audit log for reconcile and status. The chain is verified first: the audited state
 * is only worth comparing against if nobody edited the record of it. Then the history check
 * (src/audit/trust.ts): an entry that was not appended by the suite is left out, so a forged
 * line can never make drift look governed.
 */
export async function loadVerifiedEntries(
  fullPath: string,
  label: string,
  options: AuditSourceOptions = {}
): Promise<AuditEntry[]> {
  const report = await verifyTrail(fullPath, {
    history: options.history ?? true,
    ...(options.identities ? { identities: options.identities } : {})
  })
  const chain = report.chain
  if (!report.exists) {
    throw new ConfigurationError(
      `The audit log '${label}' does not exist; check the path (or check out the branch that holds it)`
    )
  }
  if (!chain.valid && chain.firstBad) {
    throw new ActionError(
      `${label} line ${chain.firstBad.line} ${chain.firstBad.reason}; the chain is broken, so the audited state cannot be trusted. ` +
        `Restore the file from git history (git log -p -- ${label}) and run again`,
      { location: { file: label, line: chain.firstBad.line } }
    )
  }
  const { entries } = readAuditEntries(await readFile(fullPath, 'utf8'))
  if ('skipped' in report.history) {
    if (options.history !== false)
      options.note?.(
        `${label}: history not checked (${report.history.skipped}); every entry whose chain verifies is used`
      )
    return entries
  }
  const trusted = trustedLine(report)
  const kept = entries.filter((_, i) => trusted(i + 1))
  if (kept.length < entries.length) {
    const shown = report.history.findings.slice(0, 5)
    options.warn?.(
      `${label}: ${entries.length - kept.length} entr${entries.length - kept.length === 1 ? 'y is' : 'ies are'} ignored because ` +
        `${entries.length - kept.length === 1 ? 'it fails' : 'they fail'} the history check: ` +
        shown.map(f => `line ${f.line} ${f.reason}`).join('; ') +
        (report.history.findings.length > shown.length
          ? `; and ${report.history.findings.length - shown.length} more`
          : '')
    )
  }
  return kept
}
