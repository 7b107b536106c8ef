import { heading, markdownTable } from '../core/summary.js'
import type { ChainResult } from './chain.js'
import type { AuditEntry } from './entry.js'
import { approvalLabels } from './format.js'

const REASON_SHOWN = 140

function plain(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : value === undefined || value === null
        ? ''
        : JSON.stringify(value)
  // Summaries render HTML; entry text is data, never markup.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function shorten(text: string, limit: number): string {
  const points = Array.from(text)
  return points.length <= limit ? text : `${points.slice(0, limit).join('')}…`
}

function runLink(entry: AuditEntry): string {
  const url = String(entry.run_url ?? '')
  const label = entry.run_id ? `#${plain(entry.run_id)}` : 'run'
  return /^https?:\/\/[^\s()<>]+$/.test(url) ? `[${label}](${url})` : plain(entry.run_id)
}

export function chainStatus(file: string, chain: ChainResult): string {
  if (chain.valid) {
    return `**${file}**: chain valid, ${chain.entries} entr${chain.entries === 1 ? 'y' : 'ies'}, head SHA-256 \`${chain.headSha256}\``
  }
  const bad = chain.firstBad!
  return `**${file}: chain broken at line ${bad.line}**, which ${plain(bad.reason)}. ${chain.entries} line(s) before it verified.`
}

/** The newest entries, newest first, as a table an auditor can read without opening JSON. */
export function renderEntries(file: string, entries: AuditEntry[], chain: ChainResult): string {
  const rows = [...entries].reverse().map(e => [
    e.seq,
    String(e.ts ?? '')
      .replace('T', ' ')
      .replace('Z', ''),
    plain(e.event),
    plain(e.outcome),
    plain(e.model),
    plain(e.version),
    `${plain(e.from)} → ${plain(e.to)}`,
    plain(e.previous_version),
    plain(e.actor),
    plain(Array.isArray(e.approvals) ? approvalLabels(e.approvals).join(', ') : ''),
    plain(shorten(String(e.reason ?? ''), REASON_SHOWN)),
    plain(String(e.git_commit ?? '').slice(0, 12)),
    runLink(e)
  ])
  const table =
    rows.length > 0
      ? markdownTable(
          [
            'Seq',
            'Time (UTC)',
            'Event',
            'Outcome',
            'Model',
            'Version',
            'From → To',
            'Previous',
            'Actor',
            'Approved by',
            'Reason',
            'Commit',
            'Run'
          ],
          rows
        )
      : '_No entries._'
  return [heading(`Audit log: newest ${entries.length}`), chainStatus(file, chain), table].join(
    '\n\n'
  )
}

/** A code block whose fence is longer than any backtick run in the text, so a reason cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}json\n${text}\n${fence}`
}

/** One appended entry, for the job summary of append mode (also printed when the append failed). */
export function renderAppended(
  file: string,
  line: string,
  result: { seq: number; sha256: string; commitSha: string; attempts: number } | undefined
): string {
  const entry = JSON.parse(line) as AuditEntry
  const facts = result
    ? `Recorded as line ${result.seq} of **${file}** in commit \`${result.commitSha}\` after ${result.attempts} attempt(s); SHA-256 \`${result.sha256}\`.`
    : `**Not recorded in ${file}.** The entry is kept below so it is not lost.`
  return [
    heading(`Audit: ${plain(entry.event)} ${plain(entry.model)} v${plain(entry.version)}`),
    facts,
    markdownTable(
      ['Field', 'Value'],
      [
        ['outcome', plain(entry.outcome)],
        ['from → to', `${plain(entry.from)} → ${plain(entry.to)}`],
        ['previous version', plain(entry.previous_version)],
        ['actor / triggered by', `${plain(entry.actor)} / ${plain(entry.triggered_by)}`],
        ['approved by', plain(approvalLabels(entry.approvals).join(', ') || 'none')],
        ['reason', plain(entry.reason)],
        ['run', runLink(entry)],
        ['registry', plain(entry.registry)]
      ]
    ),
    fenced(line)
  ].join('\n\n')
}
