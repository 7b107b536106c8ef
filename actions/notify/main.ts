import { ActionError, ConfigurationError, errorMessage } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { escapeText } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { parseRetryAfter, retryPolicyFromEnv } from '../../src/mlflow/http.js'
import { approvalRequestMessage } from '../../src/notify/approval-request.js'
import { deliver, TARGET_NAME, type Destination, type Target } from '../../src/notify/deliver.js'
import { commitUrl, reviewDeploymentsUrl } from '../../src/notify/links.js'
import type { NotificationMessage } from '../../src/notify/message.js'
import { outcomeMessage, parseOutcomeEntry } from '../../src/notify/outcome.js'
import { policyRetrier } from '../../src/notify/retry.js'
import { rolesToSign } from '../../src/notify/roles.js'
import { findStage, loadPolicy } from '../../src/policy/index.js'
import { WEBHOOK_INPUTS, webhookUrlProblem, type inputs } from './inputs.js'

type Specs = typeof inputs.specs

/**
 * A notification is never worth a failed promotion: every problem here (a bad input, an
 * unreadable report, a receiver that refuses) is a warning, and the step succeeds with
 * sent=false, unless fail-on-error: true makes it fail. Only `event` and `fail-on-error`
 * themselves are checked before this runs, and fail the step when wrong.
 */
export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const failOnError = input['fail-on-error']
  const trouble = (message: string): void => {
    if (failOnError) throw new ConfigurationError(message)
    logger.warning(`${message} (notify does not fail the step: fail-on-error is false)`)
  }
  /** Nothing was sent: the outputs say so, and the summary says why. */
  const nothingSent = (why: string): void => {
    ctx.setOutput('sent', false)
    ctx.setOutput('sent-to', '')
    ctx.summary.add(`**notify:** nothing sent: ${why}`)
  }

  const destinations: Destination[] = []
  for (const [name, target] of WEBHOOK_INPUTS) {
    const url = input[name]
    if (!url) continue
    ctx.setSecret(url)
    try {
      // The credential is the path (Slack, Teams Workflows' signature is in the query): masked
      // on its own too, in case a message quotes only that part.
      const parsed = new URL(url)
      ctx.setSecret(`${parsed.pathname}${parsed.search}`)
    } catch {
      // Refused just below.
    }
    const problem = webhookUrlProblem(url)
    if (problem)
      trouble(
        `Input '${name}' ${problem}; give the webhook URL ${TARGET_NAME[target]} showed when it was created`
      )
    else destinations.push({ target, url })
  }
  if (destinations.length === 0) {
    if (!WEBHOOK_INPUTS.some(([name]) => input[name]))
      trouble(
        'No webhook URL is set; give slack-webhook-url, teams-webhook-url or webhook-url (from a secret)'
      )
    nothingSent('no usable webhook URL')
    return
  }

  const built = buildMessage(ctx, trouble)
  if (!built) {
    nothingSent('the message could not be built (see the warnings)')
    return
  }
  const results = await deliver(built, destinations, {
    fetch: globalThis.fetch,
    retry: policyRetrier(retryPolicyFromEnv(env), {
      clock: systemClock,
      random: Math.random,
      logger
    }),
    retryAfterMs: header => parseRetryAfter(header ?? undefined, Date.now())
  })
  const what = built.kind === 'approval-requested' ? 'the approval request' : 'the outcome'
  const sent: Target[] = []
  const failed: string[] = []
  for (const r of results) {
    const name = TARGET_NAME[r.target]
    const tries = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`
    if (r.ok) {
      sent.push(r.target)
      logger.info(`Posted ${what} to ${name} (HTTP ${r.status ?? '?'}, ${tries})`)
    } else {
      failed.push(`${name} (${r.problem ?? 'failed'})`)
    }
  }
  const line = `${escapeText(built.title)}: ${[
    sent.length > 0 ? `sent to ${sent.map(t => TARGET_NAME[t]).join(', ')}` : '',
    failed.length > 0 ? `not sent to ${escapeText(failed.join('; '))}` : ''
  ]
    .filter(Boolean)
    .join('; ')}`
  ctx.setOutput('sent', failed.length === 0)
  ctx.setOutput('sent-to', sent.join(','))
  ctx.summary.add(`**notify:** ${line}`)
  if (failed.length > 0) {
    const message = `Could not post ${what} to ${failed.join('; ')}`
    if (failOnError) throw new ActionError(message)
    logger.warning(`${message}; the step goes on (fail-on-error is false)`)
  }
}

function buildMessage(
  ctx: ActionContext<Specs>,
  trouble: (message: string) => void
): NotificationMessage | undefined {
  const { inputs: input, logger, env } = ctx
  const run = runContext(env)
  if (input.event === 'outcome') {
    if (!input.entry) {
      trouble("Input 'entry' is empty; with event outcome, pass audit-log's entry output")
      return undefined
    }
    const parsed = parseOutcomeEntry(input.entry)
    if (!parsed.ok) {
      trouble(`Input 'entry' ${parsed.problem}`)
      return undefined
    }
    const sha = input['audit-commit']
    const link = sha ? commitUrl(run, parsed.entry.repository, sha) : undefined
    if (sha && !link)
      trouble("Input 'audit-commit' is not a commit SHA; pass audit-log's commit-sha output")
    return outcomeMessage(parsed.entry, link)
  }
  const missing = (['model-name', 'version', 'stage'] as const).filter(name => !input[name])
  if (missing.length > 0) {
    trouble(
      `${missing.map(n => `Input '${n}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} empty; an approval request names the model, the version and the target stage`
    )
    return undefined
  }
  const model = input['model-name']!
  const stageName = input.stage!
  let roles: ReturnType<typeof rolesToSign> = []
  try {
    const policy = loadPolicy({
      policyFile: input['policy-file'],
      workspace: workspaceDir(env),
      model,
      logger
    })
    const stage = findStage(policy, stageName)
    if (!stage)
      trouble(
        `Input 'stage' is '${stageName}', which is not a stage of ${policy.source ?? 'the default policy'}; the message lists no roles`
      )
    roles = rolesToSign(stage)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    trouble(`${errorMessage(error)}; the message lists no roles`)
  }
  const reviewUrl = reviewDeploymentsUrl(run)
  if (!reviewUrl)
    logger.warning(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set; the message has no link to the run'
    )
  const { message, problems } = approvalRequestMessage({
    model,
    version: input.version!,
    stage: stageName,
    reason: input.reason ?? '',
    roles,
    gateReport: input['gate-report'],
    lineageReport: input['lineage-report'],
    reviewUrl
  })
  for (const p of problems)
    trouble(`Input '${p.about}' ${p.problem}; the message says it is unreadable`)
  return message
}
