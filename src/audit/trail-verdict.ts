import type { ChainResult } from './chain.js'
import type { HistoryResult } from './history.js'
import type { CheckState, CheckVerdict, TrustVerdict } from './verdict.js'

/**
 * The verdict every reader prints, built from the three checks alone (never from which reader
 * asks or which entries it keeps), so the same trail read with the same settings gives the same
 * words everywhere.
 */
export function trustVerdict(
  chain: ChainResult,
  history: HistoryResult | { skipped: string },
  github: CheckVerdict,
  counted: number,
  options: { history?: boolean }
): TrustVerdict {
  const chainVerdict: CheckVerdict = chain.valid
    ? {
        state: 'verified',
        note: `the hash chain of ${plural(chain.entries, 'entry', 'entries')} verifies (head ${chain.headSha256.slice(0, 12)})`
      }
    : {
        state: 'findings',
        note: `line ${chain.firstBad?.line} ${chain.firstBad?.reason}; only the ${plural(chain.entries, 'line')} before it are read`
      }
  const historyVerdict: CheckVerdict =
    'skipped' in history
      ? {
          state: 'not-available',
          note:
            options.history === false
              ? 'git history not checked: the history check was turned off'
              : `git history not available: ${history.skipped}`
        }
      : history.findings.length === 0
        ? {
            state: 'verified',
            note: `git history of ${plural(history.commits, 'commit')}: every line's exact bytes were appended, one per commit, by an allowed audit identity (${IDENTITY_LIMIT})`
          }
        : {
            state: 'findings',
            note:
              `git history of ${plural(history.commits, 'commit')}: ${plural(history.findings.length, 'finding')}, ` +
              `first line ${history.findings[0]!.line} ${history.findings[0]!.reason}; ` +
              `${plural(history.failedLines.size, 'line')} not counted (${IDENTITY_LIMIT})`
          }
  const total = chain.entries
  const statement =
    `Trust: hash chain ${WORD[chainVerdict.state]}; git history ${WORD[historyVerdict.state]}; ` +
    `GitHub's record of the runs ${WORD[github.state]}. ` +
    `${counted} of ${plural(total, 'verified entry', 'verified entries')} count.` +
    (github.state === 'not-available'
      ? ` Without GitHub's record (${github.note}), a line written by anyone who can push cannot be told from a genuine one.`
      : '') +
    (historyVerdict.state === 'not-available' ? ` (${historyVerdict.note}.)` : '')
  return { chain: chainVerdict, history: historyVerdict, github, statement }
}

/** Said wherever the history check passed: it proves bytes, not people. */
export const IDENTITY_LIMIT =
  'a commit author is text any writer with push access sets, so this guards against edits, not forgery'

const WORD: Record<CheckState, string> = {
  verified: 'verified',
  findings: 'has findings',
  'not-available': 'not checked'
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}
