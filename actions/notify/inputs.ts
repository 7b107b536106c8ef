import { policyInputs } from '../../src/core/common-inputs.js'
import { boolean, choice, defineInputs, optionalString } from '../../src/core/inputs.js'

/** Keys are exactly notify/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  event: choice(['approval-requested', 'outcome']),
  'model-name': optionalString(),
  version: optionalString(),
  stage: optionalString(),
  reason: optionalString(),
  'gate-report': optionalString(),
  'lineage-report': optionalString(),
  entry: optionalString(),
  'audit-commit': optionalString(),
  'slack-webhook-url': optionalString(),
  'teams-webhook-url': optionalString(),
  'webhook-url': optionalString(),
  'fail-on-error': boolean(false),
  ...policyInputs
})

/** The inputs that hold a webhook URL, and where each one posts. */
export const WEBHOOK_INPUTS = [
  ['slack-webhook-url', 'slack'],
  ['teams-webhook-url', 'teams'],
  ['webhook-url', 'webhook']
] as const

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Why a webhook URL is refused, or undefined when it is fine. The value is a secret, so the
 * answer never quotes it. https only (the URL carries the credential); plain http only to this
 * machine, where a test receiver or a local relay listens.
 */
export function webhookUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol === 'https:')
    return url.username || url.password
      ? 'carries a user name or password; use the webhook URL as the service gave it'
      : undefined
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined
  return 'is not an https URL'
}
