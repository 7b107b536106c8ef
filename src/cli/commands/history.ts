import { readFile } from 'node:fs/promises'
import { readAuditEntries, type AuditEntry } from '../../audit/entry.js'
import { approvalLabels } from '../../audit/format.js'
import { verifyFile } from '../../audit/verify.js'
import { ConfigurationError } from '../../core/errors.js'
import { positionals } from '../args.js'
import { auditPath, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable, shorten, type Cell } from '../table.js'

function eventCell(entry: AuditEntry): Cell {
  if (entry.event === 'drift-detected') return { text: entry.event, tone: 'red' }
  return { text: String(entry.event), tone: entry.outcome === 'success' ? 'green' : 'yellow' }
}

/**
 * `history <model>`: the model's audit events, oldest first. The chain is verified on the way;
 * a broken chain still shows what it holds (that is what an investigator needs) but is flagged
 * on stderr and in the exit code.
 */
export async function historyCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model] = positionals(ctx.args, ['model'], 1) as [string]
  const file = auditPath(ctx)
  const chain = await verifyFile(file.full)
  if (!chain.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass --file or --repo`
    )
  const { entries: all } = readAuditEntries(await readFile(file.full, 'utf8'))
  let entries = all.filter(e => e.model === model)
  if (ctx.args.limit) entries = entries.slice(-ctx.args.limit)
  if (!chain.valid) {
    ctx.logger.warning(
      `${file.label} line ${chain.firstBad!.line} ${chain.firstBad!.reason}; entries from there on are not trustworthy`
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
          events: entries
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
  return chain.valid ? EXIT.ok : EXIT.problem
}
