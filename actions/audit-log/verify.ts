import path from 'node:path'
import { parseIdentities, IdentityFormatError } from '../../src/audit/identities.js'
import { chainStatus } from '../../src/audit/render.js'
import { describeHistory, verifyTrail, type TrustReport } from '../../src/audit/trust.js'
import { ActionError, ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText, markdownTable } from '../../src/core/summary.js'
import { workspaceDir } from '../../src/core/workspace.js'
import {
  checkRuns,
  DEFAULT_APPROVAL_WORKFLOWS,
  type RunCheckResult
} from '../../src/audit/run-check.js'
import { entryCollector } from '../../src/audit/run-check-entries.js'
import { systemClock } from '../../src/core/time.js'
import { runContext } from '../../src/github/context.js'
import { createRunsClient } from '../../src/github/runs.js'
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
  // With a token, every verified entry is also checked against GitHub's record of its run.
  const collected = input.token ? entryCollector() : undefined
  const report = await verifyTrail(path.join(root, file), {
    ...(collected ? { onEntry: collected.onEntry } : {}),
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
  const runs = collected ? await runCheck(ctx, collected.entries) : undefined
  const runFailed = runs?.findings.filter(f => f.verdict === 'failed') ?? []
  ctx.setOutput('entries', chain.entries)
  ctx.setOutput('head-sha256', chain.headSha256)
  ctx.setOutput('valid', report.valid && runFailed.length === 0)
  ctx.setOutput('first-bad-line', report.firstBad?.line ?? '')
  ctx.setOutput('first-bad-reason', report.firstBad?.reason ?? '')
  ctx.setOutput('history-findings', JSON.stringify(findings))
  ctx.setOutput('run-findings', runs ? JSON.stringify(runs.findings) : '')
  const parts = [chainStatus(file, chain), escapeText(describeHistory(history))]
  if (findings.length > 0) {
    parts.push(
      markdownTable(
        ['Line', 'Commit', 'Finding'],
        findings.slice(0, 200).map(f => [f.line, f.commit.slice(0, 12), f.reason])
      )
    )
  }
  if (runs) {
    parts.push(escapeText(runs.summary))
    if (runs.findings.length > 0)
      parts.push(
        markdownTable(
          ['Line', 'Run', 'Part', 'Verdict', 'Finding'],
          runs.findings.slice(0, 200).map(f => [f.line, f.run_id, f.part, f.verdict, f.reason])
        )
      )
    for (const f of runs.findings.filter(f => f.verdict === 'unconfirmable').slice(0, 5))
      ctx.logger.warning(`${file} line ${f.line}: run ${f.run_id}: ${f.reason}`, {
        file,
        line: f.line
      })
  }
  ctx.summary.add(parts.join('\n\n'))
  ctx.logger.info(`${file}: ${describeHistory(history)}`)
  // Annotations are capped at 10 per step: the first ones, then the count.
  for (const f of findings.slice(0, 9))
    ctx.logger.error?.(`${file} line ${f.line}: ${f.reason}`, { file, line: f.line })
  if (report.valid && runFailed.length > 0) {
    const f = runFailed[0]!
    throw new ActionError(
      `${file} line ${f.line}: run ${f.run_id}: ${f.reason}` +
        (runFailed.length > 1 ? ` (and ${runFailed.length - 1} more run finding(s))` : '') +
        "; GitHub's record of the run does not confirm the entry",
      { location: { file, line: f.line } }
    )
  }
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

async function runCheck(
  ctx: Context,
  entries: Parameters<typeof checkRuns>[0]
): Promise<RunCheckResult> {
  const context = runContext(ctx.env)
  if (!context.repository)
    throw new ConfigurationError(
      "Input 'token' turns on the run check, which needs GITHUB_REPOSITORY (owner/repo); run it inside GitHub Actions"
    )
  const workflows = (ctx.inputs['approval-workflows'] ?? '')
    .split(/[,\n]/)
    .map(w => w.trim())
    .filter(Boolean)
  return checkRuns(
    entries,
    createRunsClient(ctx.inputs.token!, context.apiUrl),
    {
      repository: context.repository,
      approvalWorkflows: workflows.length > 0 ? workflows : DEFAULT_APPROVAL_WORKFLOWS,
      approvalsHorizonDays: 90,
      concurrency: 4,
      maxWaitSeconds: 300
    },
    systemClock
  )
}
