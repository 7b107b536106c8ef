import { verifyAudit, verifyRows } from '../../audit/verify-audit.js'
import { ConfigurationError } from '../../core/errors.js'
import { positionals } from '../args.js'
import { cliTrailOptions } from '../audit-trust.js'
import { auditPath, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable } from '../table.js'

/** `verify-audit [file]`: the audit-log action's verify mode, through the same src/audit/verify-audit.ts. */
export async function verifyAuditCommand(ctx: CommandContext): Promise<ExitCode> {
  const [given] = positionals(ctx.args, ['file'], 0)
  const file = auditPath(ctx, given)
  const result = await verifyAudit(file.full, file.label, {
    ...cliTrailOptions(ctx),
    ...(ctx.args.expectedSha256 ? { expectedSha256: ctx.args.expectedSha256 } : {}),
    ...(ctx.args.expectedCommit ? { expectedCommit: ctx.args.expectedCommit } : {})
  })
  const { trail, runs, historyFindings, valid } = result
  if (!trail.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass the path of an AUDIT.log`
    )
  const history = trail.report.history
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        {
          file: file.label,
          valid,
          entries: trail.report.chain.entries,
          head_sha256: trail.report.chain.headSha256,
          first_bad_line: trail.report.firstBad?.line ?? null,
          first_bad_reason: trail.report.firstBad?.reason ?? null,
          first_bad_commit: trail.report.firstBad?.commit ?? null,
          history:
            'skipped' in history
              ? { checked: false, skipped: history.skipped }
              : {
                  checked: true,
                  commits: history.commits,
                  signatures: history.signatures,
                  findings: historyFindings
                },
          ...(runs ? { runs } : {}),
          trust: trail.verdict
        },
        null,
        2
      )
    )
  } else {
    const bad = trail.report.firstBad
    const verdict = valid
      ? ctx.style.paint(
          `Valid: the chain of ${trail.report.chain.entries} entr${trail.report.chain.entries === 1 ? 'y' : 'ies'} verifies` +
            ('skipped' in history
              ? '.'
              : ", and its git history shows every line's bytes appended one per commit by an allowed identity (an author anyone who can push can set)."),
          'green'
        )
      : bad
        ? ctx.style.paint(
            `Broken: line ${bad.line}${bad.commit ? ` (commit ${bad.commit.slice(0, 12)})` : ''} ${bad.reason}.`,
            'red'
          )
        : ctx.style.paint('Broken: an entry fails the run check.', 'red')
    ctx.out(
      `${renderTable(['CHECK', 'RESULT'], verifyRows(result, file.label), ctx.style)}\n\n${verdict}\n${trail.verdict.statement}`
    )
  }
  return valid ? EXIT.ok : EXIT.problem
}
