import path from 'node:path'
import { parseIdentities, IdentityFormatError } from '../../src/audit/identities.js'
import { chainStatus } from '../../src/audit/render.js'
import { describeHistory, verifyTrail, type TrustReport } from '../../src/audit/trust.js'
import { ActionError, ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText, markdownTable } from '../../src/core/summary.js'
import { workspaceDir } from '../../src/core/workspace.js'
import type { inputs } from './inputs.js'

type Context = ActionContext<typeof inputs.specs>

/** The audit-identities input as identities; the suite's own when empty. */
export function identitiesInput(ctx: Context): ReturnType<typeof parseIdentities> | undefined {
  const raw = ctx.inputs['audit-identities']
  if (!raw) return undefined
  try {
    return parseIdentities(raw)
  } catch (error) {
    if (error instanceof IdentityFormatError)
      throw new ConfigurationError(`Input 'audit-identities': ${error.message}`)
    throw error
  }
}

/** mode: verify — the chain, then (history: true) the file's git history. */
export async function verifyMode(ctx: Context, file: string): Promise<TrustReport> {
  const { inputs: input } = ctx
  const root = workspaceDir(ctx.env)
  const identities = identitiesInput(ctx)
  const report = await verifyTrail(path.join(root, file), {
    root,
    label: `Input 'file' names '${file}', which`,
    history: input.history,
    ...(identities ? { identities } : {}),
    ...(input['expected-sha256'] ? { expectedSha256: input['expected-sha256'] } : {}),
    ...(input['expected-commit'] ? { expectedCommit: input['expected-commit'] } : {})
  })
  if (!report.exists)
    throw new ConfigurationError(
      `Input 'file' names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  const { chain, history } = report
  const findings = 'findings' in history ? history.findings : []
  ctx.setOutput('entries', chain.entries)
  ctx.setOutput('head-sha256', chain.headSha256)
  ctx.setOutput('valid', report.valid)
  ctx.setOutput('first-bad-line', report.firstBad?.line ?? '')
  ctx.setOutput('first-bad-reason', report.firstBad?.reason ?? '')
  ctx.setOutput('history-findings', JSON.stringify(findings))
  const parts = [chainStatus(file, chain), escapeText(describeHistory(history))]
  if (findings.length > 0) {
    parts.push(
      markdownTable(
        ['Line', 'Commit', 'Finding'],
        findings.slice(0, 200).map(f => [f.line, f.commit.slice(0, 12), f.reason])
      )
    )
  }
  ctx.summary.add(parts.join('\n\n'))
  ctx.logger.info(`${file}: ${describeHistory(history)}`)
  // Annotations are capped at 10 per step: the first ones, then the count.
  for (const f of findings.slice(0, 9))
    ctx.logger.error?.(`${file} line ${f.line}: ${f.reason}`, { file, line: f.line })
  if (report.valid) {
    ctx.logger.info(`${file}: ${chain.entries} entries, chain valid, head ${chain.headSha256}`)
    return report
  }
  const bad = report.firstBad!
  const broken = !chain.valid
  throw new ActionError(
    broken
      ? `${file} line ${bad.line} ${bad.reason}; the chain is broken there (${chain.entries} line(s) before it verified)`
      : `${file} line ${bad.line} ${bad.reason}` +
          (findings.length > 1 ? ` (and ${findings.length - 1} more history finding(s))` : '') +
          '; the audit trail does not prove this entry was appended by the suite',
    { location: { file, line: bad.line } }
  )
}
