import { escapeText, markdownTable } from '../core/summary.js'
import type { HistoryFinding } from './history.js'
import type { RunCheckResult } from './run-check.js'
import { chainSummary } from './summary.js'
import { readTrail, type Trail, type TrailOptions } from './trail.js'
import { describeHistory } from './trust.js'

/**
 * verify: the one implementation behind audit-log's `mode: verify` and `model-governance
 * verify-audit`. It reads the trail through the trusted reader (chain, git history, GitHub's
 * record when a check is given) and says whether it holds, and if not, the first problem.
 */
export interface VerifyAuditResult {
  trail: Trail
  /** Chain and history passed, and GitHub's record (when read) refused no entry. */
  valid: boolean
  historyFindings: HistoryFinding[]
  runs?: RunCheckResult
  /** When not valid: one sentence naming the first problem, and the line to point at. */
  failure?: { line: number; message: string }
}

export async function verifyAudit(
  file: string,
  display: string,
  options: TrailOptions
): Promise<VerifyAuditResult> {
  // verify is asked for the history explicitly: a shallow clone is refused, not skipped.
  const trail = await readTrail(file, { requireHistory: true, entries: false, ...options })
  const { report } = trail
  const history = report.history
  const historyFindings = 'findings' in history ? history.findings : []
  const runFailed = trail.runs?.findings.filter(f => f.verdict === 'failed') ?? []
  const result: VerifyAuditResult = {
    trail,
    valid: report.valid && runFailed.length === 0,
    historyFindings
  }
  if (trail.runs) result.runs = trail.runs
  if (!report.valid) {
    const bad = report.firstBad!
    result.failure = {
      line: bad.line,
      message: !report.chain.valid
        ? `${display} line ${bad.line} ${bad.reason}; the chain is broken there (${report.chain.entries} line(s) before it verified)`
        : `${display} line ${bad.line} ${bad.reason}` +
          (historyFindings.length > 1
            ? ` (and ${historyFindings.length - 1} more history finding(s))`
            : '') +
          '; the git history does not show these bytes appended, one line per commit, by an allowed audit identity'
    }
  } else if (runFailed.length > 0) {
    const f = runFailed[0]!
    result.failure = {
      line: f.line,
      message:
        `${display} line ${f.line}: run ${f.run_id}: ${f.reason}` +
        (runFailed.length > 1 ? ` (and ${runFailed.length - 1} more run finding(s))` : '') +
        "; GitHub's record of the run does not confirm the entry"
    }
  }
  return result
}

/** The job summary of verify mode: the trust statement, each check, and the findings. */
export function verifyMarkdown(result: VerifyAuditResult, display: string): string {
  const { trail, historyFindings, runs } = result
  const parts = [
    escapeText(trail.verdict.statement),
    chainSummary(display, trail.report.chain),
    escapeText(describeHistory(trail.report.history))
  ]
  if (historyFindings.length > 0)
    parts.push(
      markdownTable(
        ['Line', 'Commit', 'Finding'],
        historyFindings.slice(0, 200).map(f => [f.line, f.commit.slice(0, 12), f.reason])
      )
    )
  if (runs) {
    parts.push(escapeText(runs.summary))
    if (runs.findings.length > 0)
      parts.push(
        markdownTable(
          ['Line', 'Run', 'Part', 'Verdict', 'Finding'],
          runs.findings.slice(0, 200).map(f => [f.line, f.run_id, f.part, f.verdict, f.reason])
        )
      )
  } else parts.push(escapeText(trail.verdict.github.note))
  return parts.join('\n\n')
}

/** The same facts as rows of plain text (the CLI's table). */
export function verifyRows(result: VerifyAuditResult, display: string): [string, string][] {
  const { trail, historyFindings, runs } = result
  const chain = trail.report.chain
  const rows: [string, string][] = [
    ['file', display],
    ['entries verified', String(chain.entries)],
    ['head sha256', chain.headSha256],
    ['history', describeHistory(trail.report.history)],
    ['github', runs ? runs.summary : trail.verdict.github.note]
  ]
  if (chain.firstBad)
    rows.push(['first bad line', String(chain.firstBad.line)], ['reason', chain.firstBad.reason])
  for (const f of historyFindings.slice(0, 50))
    rows.push([`line ${f.line}`, `${f.commit ? `${f.commit.slice(0, 12)}: ` : ''}${f.reason}`])
  if (historyFindings.length > 50)
    rows.push(['…', `${historyFindings.length - 50} more history finding(s)`])
  for (const f of runs?.findings.slice(0, 50) ?? [])
    rows.push([`line ${f.line}`, `run ${f.run_id} ${f.part} ${f.verdict}: ${f.reason}`])
  return rows
}
