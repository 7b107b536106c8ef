import type { AuditEntry } from '../../audit/entry.js'
import { approvalLabels } from '../../audit/format.js'
import { readTrail } from '../../audit/trail.js'
import { ConfigurationError } from '../../core/errors.js'
import { positionals } from '../args.js'
import { cliTrailOptions } from '../audit-trust.js'
import { auditPath, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable, shorten, type Cell } from '../table.js'

function eventCell(entry: AuditEntry): Cell {
  if (entry.event === 'drift-detected') return { text: entry.event, tone: 'red' }
  return { text: String(entry.event), tone: entry.outcome === 'success' ? 'green' : 'yellow' }
}

/**
 * `history <model>`: the model's audit events, oldest first, read through the one trusted reader
 * (src/audit/trail.ts): only entries that pass every check that ran are shown, as status counts
 * them; the others are named on stderr, and a broken chain or a refused line sets the exit code.
 */
export async function historyCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model] = positionals(ctx.args, ['model'], 1) as [string]
  const file = auditPath(ctx)
  // The one trusted reader: a line a check refuses is not shown as an event (as in status).
  const trail = await readTrail(file.full, {
    ...cliTrailOptions(ctx),
    select: entry => entry.model === model
  })
  const chain = trail.report.chain
  if (!trail.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass --file or --repo`
    )
  const refused = trail.entries.filter(e => !e.counted)
  let entries = trail.entries.filter(e => e.counted).map(e => e.entry)
  if (ctx.args.limit) entries = entries.slice(-ctx.args.limit)
  ctx.logger.notice(`${file.label}: ${trail.verdict.statement}`)
  if (refused.length > 0)
    ctx.logger.warning(
      `${file.label}: ${refused.length} entr${refused.length === 1 ? 'y' : 'ies'} of '${model}' not shown: ` +
        refused
          .slice(0, 5)
          .map(e => `line ${e.line} ${e.why}`)
          .join('; ')
    )
  if (!chain.valid) {
    ctx.logger.warning(
      `${file.label} line ${chain.firstBad!.line} ${chain.firstBad!.reason}; entries from there on are not shown`
    )
  }
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        {
          model,
          audit_file: file.label,
          chain: {
            valid: chain.valid,
            entries: chain.entries,
            head_sha256: chain.headSha256,
            first_bad_line: chain.firstBad?.line ?? null
          },
          events: entries,
          not_counted: refused.map(e => ({ line: e.line, reason: e.why ?? '' })),
          trust: trail.verdict
        },
        null,
        2
      )
    )
  } else if (entries.length === 0) {
    ctx.out(`${file.label} has no events for '${model}'.`)
  } else {
    const rows = entries.map(e => [
      String(e.seq),
      String(e.ts ?? '')
        .replace('T', ' ')
        .replace('Z', ''),
      eventCell(e),
      String(e.version ?? ''),
      `${String(e.from ?? '') || '-'} → ${String(e.to ?? '') || '-'}`,
      String(e.previous_version ?? '') || '-',
      String(e.actor ?? ''),
      Array.isArray(e.approvals) ? approvalLabels(e.approvals).join(',') : '',
      shorten(String(e.reason ?? ''), 60)
    ])
    ctx.out(
      renderTable(
        [
          'SEQ',
          'TIME (UTC)',
          'EVENT',
          'VERSION',
          'FROM → TO',
          'PREVIOUS',
          'ACTOR',
          'APPROVED BY',
          'REASON'
        ],
        rows,
        ctx.style
      )
    )
  }
  return trail.report.valid ? EXIT.ok : EXIT.problem
}
