/**
 * The `Audit-Line: <seq> <sha256>` trailer the suite's committers put in each audit commit's
 * message: it names the line the commit added. The history check reads it instead of each
 * version of the file (history.ts), and an old line's trailer is what exposes a later edit of
 * that line. A commit anyone else writes may carry any trailer; it is only believed for commits
 * by an allowed identity, whose line then has to match the current file.
 */
export const LINE_TRAILER = 'Audit-Line'

export function lineTrailer(seq: number, sha256: string): string {
  return `${LINE_TRAILER}: ${seq} ${sha256}`
}

/** The commit message: the one-line headline, a blank line, then the trailer. */
export function withLineTrailer(headline: string, seq: number, sha256: string): string {
  return `${headline}\n\n${lineTrailer(seq, sha256)}`
}

export function parseLineTrailer(value: string): { seq: number; sha256: string } | undefined {
  const match = /^([1-9]\d{0,15}) ([0-9a-f]{64})$/.exec(value.trim())
  return match ? { seq: Number(match[1]), sha256: match[2]! } : undefined
}
