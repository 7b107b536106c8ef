/**
 * The one trust verdict every reader of AUDIT.log reports (issues "Trust" and "One of each"):
 * rollback, resolve, status, reconcile, history, render and evidence all say the same thing
 * for the same trail.
 *
 * - chain: the hash chain of the file's bytes.
 * - history: git's record of which commits added each line's exact bytes (defence in depth).
 * - github: GitHub's record of the run behind each entry (the root of trust): a
 *   workflow_dispatch of a caller the policy names, on the default branch, calling the pinned
 *   approval workflow, with the stage's environment approvals.
 * A check that could not run (no token, no git history) is 'not-available' with the reason,
 * never 'verified'.
 */
export type CheckState = 'verified' | 'findings' | 'not-available'

export interface CheckVerdict {
  state: CheckState
  /** One sentence: what was checked, or why it could not be. */
  note: string
}

export interface TrustVerdict {
  chain: CheckVerdict
  history: CheckVerdict
  github: CheckVerdict
  /** Printed in every reader's normal output (not only with --verbose). */
  statement: string
}

/**
 * How far one entry is backed. 'governed': every check that ran passed for it, and GitHub's
 * record backs it; 'unbacked': it passes the chain (and history where available) but GitHub's
 * record could not be read; 'refused': a check that ran found it false. Readers act only on
 * 'governed' entries where the GitHub check ran, and say so when it could not.
 */
export type EntryStanding = 'governed' | 'unbacked' | 'refused'
