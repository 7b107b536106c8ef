import { escapeText, heading, markdownTable, trusted, type Trusted } from '../core/summary.js'
import type { ChainResult } from './chain.js'
import type { AuditEntry } from './entry.js'
import { approvalLabels } from './format.js'

const REASON_SHOWN = 140

/** Entry text is data, never markup: escaped for HTML and markdown (core/summary.ts). */
function plain(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : value === undefined || value === null
        ? ''
        : JSON.stringify(value)
  return escapeText(text)
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : JSON.stringify(value)
}

function shorten(text: string, limit: number): string {
  const points = Array.from(text)
  return points.length <= limit ? text : `${points.slice(0, limit).join('')}…`
}

/** Where the render links runs: the server, and the repository rendering (entries of another get no link). */
export interface RunLinkBase {
  /** GITHUB_SERVER_URL; https://github.com unless given. */
  serverUrl?: string
  /** GITHUB_REPOSITORY of the rendering run; when given, only its own runs are linked. */
  repository?: string
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/
const SERVER = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?$/

/**
 * The run's link, built from the entry's repository and run id (and attempt), never taken from
 * its `run_url`: a writer chooses that text, and a link that reads "#1234" could lead anywhere.
 * An entry whose repository or run id is not well formed, or names another repository than the
 * one rendering, shows its run id as text.
 */
function runLink(entry: AuditEntry, base: RunLinkBase): Trusted {
  const id = text(entry.run_id)
  const repository = text(entry.repository)
  const attempt = text(entry.run_attempt)
  const server = (base.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
  const linkable =
    /^[1-9]\d{0,19}$/.test(id) &&
    REPOSITORY.test(repository) &&
    SERVER.test(server) &&
    (!base.repository || base.repository.toLowerCase() === repository.toLowerCase())
  if (!linkable) return trusted(plain(id))
  const path = `${repository}/actions/runs/${id}${/^[1-9]\d{0,5}$/.test(attempt) ? `/attempts/${attempt}` : ''}`
  return trusted(`[#${id}](${server}/${path})`)
}

export function chainSummary(file: string, chain: ChainResult): string {
  if (chain.valid) {
    return `**${plain(file)}**: chain valid, ${chain.entries} entr${chain.entries === 1 ? 'y' : 'ies'}, head SHA-256 \`${chain.headSha256}\``
  }
  const bad = chain.firstBad!
  return `**${plain(file)}: chain broken at line ${bad.line}**, which ${plain(bad.reason)}. ${chain.entries} line(s) before it verified.`
}

/** The newest entries, newest first, as a table an auditor can read without opening JSON. */
export function entriesSummary(
  file: string,
  entries: AuditEntry[],
  chain: ChainResult,
  base: RunLinkBase = {}
): string {
  // Cells are data: markdownTable escapes each of them (the run link is built here, trusted).
  const rows = [...entries].reverse().map(e => [
    e.seq,
    String(e.ts ?? '')
      .replace('T', ' ')
      .replace('Z', ''),
    text(e.event),
    text(e.outcome),
    text(e.model),
    text(e.version),
    `${text(e.from)} → ${text(e.to)}`,
    text(e.previous_version),
    text(e.actor),
    Array.isArray(e.approvals) ? approvalLabels(e.approvals).join(', ') : '',
    shorten(text(e.reason), REASON_SHOWN),
    text(e.git_commit).slice(0, 12),
    runLink(e, base)
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
  return [heading(`Audit log: newest ${entries.length}`), chainSummary(file, chain), table].join(
    '\n\n'
  )
}

/** Fields recorded empty because their input failed validation (audit-log/README.md, "invalid"). */
function invalidNote(invalid: readonly unknown[]): string {
  const items = invalid.map(item => {
    const { field, reason } = (item ?? {}) as { field?: unknown; reason?: unknown }
    return `- \`${text(field).replace(/[^\w-]/g, '')}\`: ${plain(reason)}`
  })
  return ['**Recorded with invalid fields** (left empty in the entry):', ...items].join('\n')
}

/** A code block whose fence is longer than any backtick run in the text, so a reason cannot close it. */
function fenced(content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}json\n${content}\n${fence}`
}

/** One appended entry, for the job summary of append mode (also printed when the append failed). */
export function appendedSummary(
  file: string,
  line: string,
  result: { seq: number; sha256: string; commitSha: string; attempts: number } | undefined
): string {
  const entry = JSON.parse(line) as AuditEntry
  const facts = result
    ? `Recorded as line ${result.seq} of **${plain(file)}** in commit \`${result.commitSha}\` after ${result.attempts} attempt(s); SHA-256 \`${result.sha256}\`.`
    : `**Not recorded in ${plain(file)}.** The entry is kept below so it is not lost.`
  return [
    heading(`Audit: ${plain(entry.event)} ${plain(entry.model)} v${plain(entry.version)}`),
    facts,
    ...(Array.isArray(entry.invalid) && entry.invalid.length > 0
      ? [invalidNote(entry.invalid)]
      : []),
    markdownTable(
      ['Field', 'Value'],
      [
        ['outcome', text(entry.outcome)],
        ['from → to', `${text(entry.from)} → ${text(entry.to)}`],
        ['previous version', text(entry.previous_version)],
        ['actor / triggered by', `${text(entry.actor)} / ${text(entry.triggered_by)}`],
        ['approved by', approvalLabels(entry.approvals).join(', ') || 'none'],
        ['reason', text(entry.reason)],
        ['run', runLink(entry, {})],
        ['registry', text(entry.registry)]
      ]
    ),
    fenced(line)
  ].join('\n\n')
}
