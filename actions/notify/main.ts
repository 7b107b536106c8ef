import { ActionError, ConfigurationError, FieldError, renderError } from '../../src/core/errors.js'
import { actionFieldName, type ActionContext } from '../../src/core/run.js'
import { escapeText } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { parseRetryAfter, retryPolicyFromEnv } from '../../src/mlflow/http.js'
import { approvalRequestMessage } from '../../src/notify/approval-request.js'
import { deliver, TARGET_NAME } from '../../src/notify/deliver.js'
import { commitUrl, reviewDeploymentsUrl } from '../../src/notify/links.js'
import type { NotificationMessage } from '../../src/notify/message.js'
import { webhookSecretParts } from '../../src/notify/redact.js'
import { outcomeMessage, parseOutcomeEntry } from '../../src/notify/outcome.js'
import { policyRetrier } from '../../src/notify/retry.js'
import { rolesToSign } from '../../src/notify/roles.js'
import { findStage, loadPolicy } from '../../src/policy/index.js'
import type { Announcement, Inputs } from './inputs.js'
import { deliveryOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

/**
 * A notification is never worth a failed promotion: every problem here (a bad input, an
 * unreadable report, a receiver that refuses) is a warning, and the step succeeds with
 * sent=false, unless fail-on-error: true makes it fail. Only `event` and `fail-on-error`
 * themselves are checked before this runs, and fail the step when wrong.
 */
export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const trouble = (problem: ConfigurationError): void => {
    if (input['fail-on-error']) throw problem
    logger.warning(
      `${renderError(problem, actionFieldName)} (notify does not fail the step: fail-on-error is false)`
    )
  }
  // The run wrapper masked each URL; its path, query, each secret-looking segment and value,
  // encoded and decoded, are masked on their own too, in case a message quotes only that part.
  for (const { url } of input.destinations)
    for (const part of webhookSecretParts(url)) ctx.setSecret(part)
  input.problems.forEach(trouble)
  const message = input.announcement && buildMessage(ctx, input.announcement, trouble)
  if (input.destinations.length === 0 || !message) {
    ctx.setOutputs({ sent: false, 'sent-to': '' })
    ctx.summary.add(
      `**notify:** nothing sent: ${message ? 'no usable webhook URL' : 'the message could not be built'} (see the warnings)`
    )
    return
  }
  const results = await deliver(message, input.destinations, {
    fetch: globalThis.fetch,
    retry: policyRetrier(retryPolicyFromEnv(env), {
      clock: systemClock,
      random: Math.random,
      logger
    }),
    retryAfterMs: header => parseRetryAfter(header ?? undefined, Date.now())
  })
  ctx.setOutputs(deliveryOutputs(results))
  const what = message.kind === 'approval-requested' ? 'the approval request' : 'the outcome'
  const failed: string[] = []
  for (const r of results) {
    const tries = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`
    if (r.ok)
      logger.info(`Posted ${what} to ${TARGET_NAME[r.target]} (HTTP ${r.status ?? '?'}, ${tries})`)
    else failed.push(`${TARGET_NAME[r.target]} (${r.problem ?? 'failed'})`)
  }
  const sentTo = results.filter(r => r.ok).map(r => TARGET_NAME[r.target])
  const parts = [
    sentTo.length > 0 ? `sent to ${sentTo.join(', ')}` : '',
    failed.length > 0 ? `not sent to ${escapeText(failed.join('; '))}` : ''
  ]
  ctx.summary.add(`**notify:** ${escapeText(message.title)}: ${parts.filter(Boolean).join('; ')}`)
  if (failed.length > 0) {
    const text = `Could not post ${what} to ${failed.join('; ')}`
    if (input['fail-on-error']) throw new ActionError(text)
    logger.warning(`${text}; the step goes on (fail-on-error is false)`)
  }
}

function buildMessage(
  ctx: Context,
  announcement: Announcement,
  trouble: (problem: ConfigurationError) => void
): NotificationMessage | undefined {
  const { inputs: input, logger, env } = ctx
  const run = runContext(env)
  if (announcement.kind === 'outcome') {
    const parsed = parseOutcomeEntry(announcement.entry)
    if (!parsed.ok) {
      trouble(new FieldError('entry', parsed.problem))
      return undefined
    }
    const sha = announcement.auditCommit
    const link = sha ? commitUrl(run, parsed.entry.repository, sha) : undefined
    if (sha && !link)
      trouble(
        new FieldError('audit-commit', "is not a commit SHA; pass audit-log's commit-sha output")
      )
    return outcomeMessage(parsed.entry, link)
  }
  let roles: ReturnType<typeof rolesToSign> = []
  try {
    const policy = loadPolicy({
      policyFile: input['policy-file'],
      workspace: workspaceDir(env),
      model: announcement.model,
      logger
    })
    const stage = findStage(policy, announcement.stage)
    if (!stage)
      trouble(
        new FieldError(
          'stage',
          `is '${announcement.stage}', which is not a stage of ${policy.source ?? 'the default policy'}; the message lists no roles`
        )
      )
    roles = rolesToSign(stage)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    trouble(
      new ConfigurationError(`${renderError(error, actionFieldName)}; the message lists no roles`)
    )
  }
  const reviewUrl = reviewDeploymentsUrl(run)
  if (!reviewUrl)
    logger.warning(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set; the message has no link to the run'
    )
  const { message, problems } = approvalRequestMessage({
    model: announcement.model,
    version: announcement.version,
    stage: announcement.stage,
    reason: announcement.reason,
    roles,
    gateReport: announcement.gateReport,
    lineageReport: announcement.lineageReport,
    reviewUrl,
    artifact: announcement.artifact
      ? { artifact: announcement.artifact, manifest: announcement.artifactManifest }
      : undefined,
    rollback: announcement.rollback
  })
  for (const p of problems)
    trouble(new FieldError(p.about, `${p.problem}; the message says it is unreadable`))
  return message
}
