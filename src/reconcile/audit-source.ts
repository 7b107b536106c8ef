import { ActionError, ConfigurationError } from '../core/errors.js'
import type { AuditEntry } from '../audit/entry.js'
import type { AuditIdentity } from '../audit/identities.js'
import { countedEntries, readTrail, type GithubCheck, type Trail } from '../audit/trail.js'

export interface AuditSourceOptions {
  /** The history check (default on): entries it fails are left out, and `warn` says which. */
  history?: boolean
  identities?: readonly AuditIdentity[]
  /** GitHub's record of the runs (the run check); absent: not read, and the verdict says why. */
  github?: GithubCheck
  githubUnavailable?: string
  /** Told once when entries are left out: say so to the user. */
  warn?: (message: string) => void
  /** Told the trust statement (which checks ran, which could not): print it in normal output. */
  note?: (message: string) => void
}

/**
 * Reads an audit log for reconcile, status and resolve through the one trusted reader
 * (src/audit/trail.ts). A broken chain is refused: the audited state is only worth comparing
 * against if nobody edited the record of it. Entries that a check refuses are left out, so a
 * forged line can never make drift look governed; the trust statement says what was checked.
 */
export async function loadTrail(
  fullPath: string,
  label: string,
  options: AuditSourceOptions = {}
): Promise<Trail> {
  const trail = await readTrail(fullPath, {
    history: options.history ?? true,
    ...(options.identities ? { identities: options.identities } : {}),
    ...(options.github ? { github: options.github } : {}),
    ...(options.githubUnavailable ? { githubUnavailable: options.githubUnavailable } : {})
  })
  const chain = trail.report.chain
  if (!trail.exists) {
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
  options.note?.(`${label}: ${trail.verdict.statement}`)
  const left = trail.entries.filter(e => !e.counted)
  if (left.length > 0) {
    const shown = left.slice(0, 5)
    const one = left.length === 1
    const history = 'fails the history check: '
    const allHistory = left.every(e => e.why?.startsWith(history))
    options.warn?.(
      `${label}: ${left.length} entr${one ? 'y is' : 'ies are'} ignored because ` +
        (allHistory
          ? `${one ? 'it fails' : 'they fail'} the history check: ` +
            shown.map(e => `line ${e.line} ${e.why!.slice(history.length)}`).join('; ')
          : `${one ? 'it fails' : 'they fail'} a check that ran: ` +
            shown.map(e => `line ${e.line} ${e.why}`).join('; ')) +
        (left.length > shown.length ? `; and ${left.length - shown.length} more` : '')
    )
  }
  return trail
}

/** The entries reconcile, status and resolve act on: those that pass every check that ran. */
export async function loadVerifiedEntries(
  fullPath: string,
  label: string,
  options: AuditSourceOptions = {}
): Promise<AuditEntry[]> {
  return countedEntries(await loadTrail(fullPath, label, options))
}
