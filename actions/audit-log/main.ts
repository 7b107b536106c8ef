import path from 'node:path'
import { AppendFailedError } from '../../src/audit/append.js'
import { buildEntry } from '../../src/audit/build-entry.js'
import type { AuditApproval, AuditEntry } from '../../src/audit/entry.js'
import { verifyFile } from '../../src/audit/verify.js'
import { policyResolver } from '../../src/policy/index.js'
import { holderTimeline, mermaidTimeline } from '../../src/provenance/index.js'
import { repositoryPath } from '../../src/audit/git-store.js'
import { inspectFile } from '../../src/audit/inspect.js'
import { labelRoles } from '../../src/audit/sign-off.js'
import { appendedSummary, chainSummary, entriesSummary } from '../../src/audit/summary.js'
import { ActionError, FieldError, errorMessage } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText, heading } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner } from '../../src/git/git.js'
import { createApprovalsClient } from '../../src/github/approvals.js'
import { runContext, type RunContext } from '../../src/github/context.js'
import { uriSecrets } from '../../src/mlflow/connection.js'
import { appendFromInputs, auditIdentities, headCommit } from '../common/audit.js'
import { describeHistory, verifyTrail, type TrustReport } from '../../src/audit/trust.js'
import { checkRuns, type RunCheckResult } from '../../src/audit/run-check.js'
import { parseApprovalWorkflows } from '../../src/audit/run-policy.js'
import { runCheckFacts } from '../../src/policy/index.js'
import { entryCollector } from '../../src/audit/run-check-entries.js'
import { createRunsClient } from '../../src/github/runs.js'
import { markdownTable } from '../../src/core/summary.js'
import type { Inputs } from './inputs.js'
import { appendOutputs, chainOutputs, trailOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input } = ctx
  for (const secret of uriSecrets(input['tracking-uri'] || ctx.env.MLFLOW_TRACKING_URI))
    ctx.setSecret(secret)
  // Append checks the path after the event is printed, so a bad one does not lose the event.
  if (input.mode === 'append') return append(ctx, input.file)
  const file = repositoryPath(input.file)
  if (input.mode === 'verify') {
    await verifyMode(ctx, file)
    return
  }
  return inspect(ctx, file)
}

async function inspect(ctx: Context, file: string): Promise<void> {
  const { inputs: input } = ctx
  const root = workspaceDir(ctx.env)
  const full = path.join(root, file)
  const keep = input.mode === 'render' ? input['render-limit'] : 0
  const { exists, chain, newest } = await inspectFile(full, keep, input['expected-sha256'], {
    root,
    label: `Input 'file' names '${file}', which`
  })
  if (!exists)
    throw new FieldError(
      'file',
      `names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  ctx.setOutputs(chainOutputs(chain))
  ctx.summary.add(
    input.mode === 'render'
      ? entriesSummary(file, newest, chain, linkBase(runContext(ctx.env)))
      : chainSummary(file, chain)
  )
  if (input.mode === 'render') await renderTimelines(ctx, full, newest)
  if (chain.valid) {
    ctx.logger.info(`${file}: ${chain.entries} entries, chain valid, head ${chain.headSha256}`)
    return
  }
  const bad = chain.firstBad!
  const message = `${file} line ${bad.line} ${bad.reason}; the chain is broken there (${chain.entries} line(s) before it verified)`
  if (input.mode === 'render') ctx.logger.warning(message, { file, line: bad.line })
  else throw new ActionError(message, { location: { file, line: bad.line } })
}

/**
 * render mode: a mermaid gantt of each model's stage and alias holders (model-name's, else the
 * models of the rendered entries, at most 5), replayed from every verified entry of the file.
 */
async function renderTimelines(ctx: Context, full: string, newest: AuditEntry[]): Promise<void> {
  const named = ctx.inputs['model-name']
  const models = named ? [named] : [...new Set(newest.map(e => String(e.model ?? '')))].slice(0, 5)
  if (models.length === 0) return
  const wanted = new Set(models)
  const entries: AuditEntry[] = []
  await verifyFile(full, {
    onEntry: line => {
      const entry = JSON.parse(line.toString('utf8')) as AuditEntry
      if (wanted.has(String(entry.model))) entries.push(entry)
    }
  })
  let policyFor
  try {
    policyFor = policyResolver({ workspace: workspaceDir(ctx.env), logger: ctx.logger })
  } catch (error) {
    ctx.logger.warning(`No timeline in the summary: ${errorMessage(error)}`)
    return
  }
  for (const model of models) {
    const diagram = mermaidTimeline(
      model,
      holderTimeline(entries, model, policyFor(model)),
      new Date(systemClock.now())
    )
    if (diagram) ctx.summary.add(`${heading(`Stage history: ${escapeText(model)}`)}\n\n${diagram}`)
  }
}

async function readApprovals(
  ctx: Context,
  context: RunContext,
  notes: string[]
): Promise<AuditApproval[]> {
  const token = ctx.inputs.token
  if (!token) {
    notes.push(
      "No `token` was given, so `approvals` is empty; pass `token: ${{ github.token }}` with `actions: read` to record the run's deployment reviews."
    )
    return []
  }
  if (!context.owner || !context.repo || !context.runId) {
    notes.push(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set, so the approvals of this run cannot be read; `approvals` is empty.'
    )
    return []
  }
  try {
    return await createApprovalsClient(token, context.apiUrl).listApprovals(
      context.owner,
      context.repo,
      context.runId
    )
  } catch (error) {
    // The event is still recorded: losing the entry would be worse than recording it without reviews.
    ctx.logger.warning(errorMessage(error))
    notes.push(
      `The approvals could not be read (${escapeText(errorMessage(error))}); \`approvals\` is empty.`
    )
    return []
  }
}

async function append(ctx: Context, fileInput: string): Promise<void> {
  const { inputs: input } = ctx
  // The refine step of the inputs guarantees both in append mode.
  const event = input.event!
  const model = input['model-name']!
  const repoDir = workspaceDir(ctx.env)
  const git = createGitRunner(ctx.logger, repoDir)
  const context = runContext(ctx.env)
  const notes: string[] = []
  const labelled = labelRoles(await readApprovals(ctx, context, notes), input['sign-off'])
  if (labelled.note) {
    ctx.logger.warning(labelled.note)
    notes.push(labelled.note)
  }
  const approvals = labelled.approvals
  const built = buildEntry(
    {
      event,
      outcome: input.outcome,
      model,
      version: input.version,
      from: input.from,
      to: input.to,
      previousVersion: input['previous-version'],
      reason: input.reason,
      metrics: input.metrics,
      gates: input.gates,
      lineage: input.lineage,
      artifact: input.artifact,
      trackingUri: input['tracking-uri']
    },
    context,
    approvals,
    await headCommit(git, context),
    systemClock.now(),
    ctx.env
  )
  notes.push(...built.notes)
  for (const warning of built.warnings) ctx.logger.warning(warning)
  for (const bad of built.invalid) {
    ctx.logger.warning(
      `Input '${bad.input}' ${bad.reason}; the event is recorded with ${bad.field} left empty and named in 'invalid'. ` +
        `Fix what the workflow passes as '${bad.input}'`
    )
  }
  // Printed before any attempt, so the event survives in the log whatever happens next.
  ctx.logger.info(`Audit event: ${JSON.stringify(built.fields)}`)
  let file = 'the audit log'
  try {
    file = repositoryPath(fileInput)
    const result = await appendFromInputs(ctx, { git, run: context, repoDir, file }, built.fields)
    ctx.setOutputs(appendOutputs(result))
    ctx.logger.info(
      `Recorded line ${result.seq} of ${file} in ${result.commitSha} after ${result.attempts} attempt(s)`
    )
    ctx.summary.add([appendedSummary(file, result.line, result), ...notes].join('\n\n'))
  } catch (error) {
    const line =
      error instanceof AppendFailedError && error.line ? error.line : JSON.stringify(built.fields)
    ctx.summary.add([appendedSummary(file, line, undefined), ...notes].join('\n\n'))
    if (error instanceof AppendFailedError) ctx.setOutputs({ attempts: error.attempts })
    throw error
  }
}

/** mode: verify — the chain, then (history: true) the file's git history. */
async function verifyMode(ctx: Context, file: string): Promise<TrustReport> {
  const { inputs: input } = ctx
  const root = workspaceDir(ctx.env)
  const identities = auditIdentities(input['audit-identities'])
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
    throw new FieldError(
      'file',
      `names '${file}', which does not exist in the workspace; check out the branch that holds it`
    )
  const { chain, history } = report
  const findings = 'findings' in history ? history.findings : []
  const runs = collected ? await runCheck(ctx, collected.entries) : undefined
  const runFailed = runs?.findings.filter(f => f.verdict === 'failed') ?? []
  ctx.setOutputs(trailOutputs(report, findings, runs))
  const parts = [chainSummary(file, chain), escapeText(describeHistory(history))]
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
    throw new FieldError(
      'token',
      'turns on the run check, which needs GITHUB_REPOSITORY (owner/repo); run it inside GitHub Actions'
    )
  // The policy's governance keys and stages; the input, when given, pins the approval workflow.
  const { accepted, refused } = parseApprovalWorkflows(ctx.inputs['approval-workflows'] ?? '')
  if (refused.length > 0)
    throw new FieldError(
      'approval-workflows',
      `names ${refused.map(r => JSON.stringify(r)).join(', ')} without a ref; write owner/repo/.github/workflows/model-approval.yml@<ref>, the ref your callers pin (the ref is compared)`
    )
  const facts = runCheckFacts(
    policyResolver({ workspace: workspaceDir(ctx.env), logger: ctx.logger })
  )
  return checkRuns(
    entries,
    createRunsClient(ctx.inputs.token!, context.apiUrl),
    {
      repository: context.repository,
      policy: accepted.length > 0 ? { ...facts, approvalWorkflows: accepted } : facts,
      approvalsHorizonDays: 90,
      concurrency: 4,
      maxWaitSeconds: 300
    },
    systemClock
  )
}

/** The render table links runs of this repository on this server only (summary.ts runLink). */
function linkBase(context: RunContext): { serverUrl: string; repository?: string } {
  return { serverUrl: context.serverUrl, repository: context.repository }
}
