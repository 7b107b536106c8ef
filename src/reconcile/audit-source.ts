import { readFile } from 'node:fs/promises'
import { ActionError, ConfigurationError } from '../core/errors.js'
import { readAuditEntries, type AuditEntry } from '../audit/entry.js'
import { verifyFile } from '../audit/verify.js'

/**
 * Reads an audit log for reconcile and status. The chain is verified first: the audited state
 * is only worth comparing against if nobody edited the record of it.
 */
export async function loadVerifiedEntries(fullPath: string, label: string): Promise<AuditEntry[]> {
  const chain = await verifyFile(fullPath)
  if (!chain.exists) {
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
  return entries
}
