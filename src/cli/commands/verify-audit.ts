import { describeHistory, verifyTrail } from '../../audit/trust.js'
import { ConfigurationError } from '../../core/errors.js'
import { positionals } from '../args.js'
import { cliIdentities } from '../audit-trust.js'
import { auditPath, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable } from '../table.js'
import { cliRunCheck } from '../run-check.js'
import { entryCollector } from '../../audit/run-check-entries.js'

/** `verify-audit [file]`: the audit-log action's verify mode (the same checks: chain, history, runs). */
export async function verifyAuditCommand(ctx: CommandContext): Promise<ExitCode> {
  const [given] = positionals(ctx.args, ['file'], 0)
  const file = auditPath(ctx, given)
  const identities = cliIdentities(ctx)
  const collected = ctx.args.checkRuns ? entryCollector() : undefined
  const result = await verifyTrail(file.full, {
    ...(collected ? { onEntry: collected.onEntry } : {}),
    ...(ctx.args.expectedSha256 ? { expectedSha256: ctx.args.expectedSha256 } : {}),
    ...(ctx.args.expectedCommit ? { expectedCommit: ctx.args.expectedCommit } : {}),
    history: ctx.args.history,
    ...(identities ? { identities } : {})
  })
  if (!result.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass the path of an AUDIT.log`
    )
  const runs = collected ? await cliRunCheck(ctx, collected.entries) : undefined
  const history = result.history
  const findings = 'findings' in history ? history.findings : []
  const valid = result.valid && (runs?.failed ?? 0) === 0
  if (ctx.args.json) {
    ctx.out(
      JSON.stringify(
        {
          file: file.label,
          valid,
          entries: result.chain.entries,
          head_sha256: result.chain.headSha256,
          first_bad_line: result.firstBad?.line ?? null,
          first_bad_reason: result.firstBad?.reason ?? null,
          first_bad_commit: result.firstBad?.commit ?? null,
          history:
            'skipped' in history
              ? { checked: false, skipped: history.skipped }
              : {
                  checked: true,
                  commits: history.commits,
                  signatures: history.signatures,
                  findings
                },
          ...(runs ? { runs } : {})
        },
        null,
        2
      )
    )
  } else {
    const rows = [
      ['file', file.label],
      ['entries verified', String(result.chain.entries)],
      ['head sha256', result.chain.headSha256],
      ['history', describeHistory(history)]
    ]
    if (result.chain.firstBad)
      rows.push(
        ['first bad line', String(result.chain.firstBad.line)],
        ['reason', result.chain.firstBad.reason]
      )
    for (const f of findings.slice(0, 50))
      rows.push([`line ${f.line}`, `${f.commit ? `${f.commit.slice(0, 12)}: ` : ''}${f.reason}`])
    if (findings.length > 50) rows.push(['…', `${findings.length - 50} more history finding(s)`])
    if (runs) {
      rows.push(['runs', runs.summary])
      for (const f of runs.findings.slice(0, 50))
        rows.push([`line ${f.line}`, `run ${f.run_id} ${f.part} ${f.verdict}: ${f.reason}`])
    }
    const bad = result.firstBad
    const verdict = valid
      ? ctx.style.paint(
          `Valid: the chain of ${result.chain.entries} entr${result.chain.entries === 1 ? 'y' : 'ies'} verifies` +
            ('skipped' in history
              ? '.'
              : ', and its git history shows every line appended by an allowed identity.'),
          'green'
        )
      : bad
        ? ctx.style.paint(
            `Broken: line ${bad.line}${bad.commit ? ` (commit ${bad.commit.slice(0, 12)})` : ''} ${bad.reason}.`,
            'red'
          )
        : ctx.style.paint('Broken: an entry fails the run check.', 'red')
    ctx.out(`${renderTable(['CHECK', 'RESULT'], rows, ctx.style)}\n\n${verdict}`)
  }
  return valid ? EXIT.ok : EXIT.problem
}
