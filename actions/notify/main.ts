import { ActionError, ConfigurationError, renderError } from '../../src/core/errors.js'
import { actionFieldName, type ActionContext } from '../../src/core/run.js'
import { escapeText } from '../../src/core/summary.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { parseRetryAfter, retryPolicyFromEnv } from '../../src/mlflow/http.js'
import { buildNotification } from '../../src/notify/build-message.js'
import { deliver, TARGET_NAME } from '../../src/notify/deliver.js'
import { webhookSecretParts } from '../../src/notify/redact.js'
import { policyRetrier } from '../../src/notify/retry.js'
import type { Inputs } from './inputs.js'
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
  const built =
    input.announcement &&
    buildNotification(input.announcement, {
      policyFile: input['policy-file'],
      workspace: workspaceDir(env),
      run: runContext(env),
      logger
    })
  built?.problems.forEach(trouble)
  const message = built?.message
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
