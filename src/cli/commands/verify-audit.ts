import { verifyFile } from '../../audit/verify.js'
import { ConfigurationError } from '../../core/errors.js'
import { positionals } from '../args.js'
import { auditPath, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable } from '../table.js'

/** `verify-audit [file]`: the audit-log action's verify mode (the same checker, streaming). */
export async function verifyAuditCommand(ctx: CommandContext): Promise<ExitCode> {
  const [given] = positionals(ctx.args, ['file'], 0)
  const file = auditPath(ctx, given)
  const result = await verifyFile(
    file.full,
    ctx.args.expectedSha256 ? { expectedSha256: ctx.args.expectedSha256 } : {}
  )
  if (!result.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass the path of an AUDIT.log`
    )
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        {
          file: file.label,
          valid: result.valid,
          entries: result.entries,
          head_sha256: result.headSha256,
          first_bad_line: result.firstBad?.line ?? null,
          first_bad_reason: result.firstBad?.reason ?? null
        },
        null,
        2
      )
    )
  } else {
    const rows = [
      ['file', file.label],
      ['entries verified', String(result.entries)],
      ['head sha256', result.headSha256]
    ]
    if (result.firstBad)
      rows.push(
        ['first bad line', String(result.firstBad.line)],
        ['reason', result.firstBad.reason]
      )
    const verdict = result.valid
      ? ctx.style.paint(
          `Valid: the chain of ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'} verifies.`,
          'green'
        )
      : ctx.style.paint(`Broken: line ${result.firstBad!.line} ${result.firstBad!.reason}.`, 'red')
    ctx.out(`${renderTable(['CHECK', 'RESULT'], rows, ctx.style)}\n\n${verdict}`)
  }
  return result.valid ? EXIT.ok : EXIT.problem
}
