import { policyInputs } from '../../src/core/common-inputs.js'
import { ConfigurationError, FieldError } from '../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  optionalString,
  secret,
  type InputsOf,
  type InputValues
} from '../../src/core/inputs.js'
import type { Announcement } from '../../src/notify/announcement.js'
import { TARGET_NAME, type Destination } from '../../src/notify/deliver.js'

const specs = {
  event: choice(['approval-requested', 'outcome']),
  'model-name': optionalString(),
  version: optionalString(),
  stage: optionalString(),
  reason: optionalString(),
  'gate-report': optionalString(),
  'lineage-report': optionalString(),
  artifact: optionalString(),
  'artifact-manifest': optionalString(),
  rollback: boolean(false),
  'previous-version': optionalString(),
  entry: optionalString(),
  'audit-commit': optionalString(),
  // A webhook URL is its own credential: whoever has it can post to the channel.
  'slack-webhook-url': secret(optionalString()),
  'teams-webhook-url': secret(optionalString()),
  'webhook-url': secret(optionalString()),
  'fail-on-error': boolean(false),
  ...policyInputs
}

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
    return url.username || url.password ? 'carries a user name or password' : undefined
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined
  return 'is not an https URL'
}

/**
 * The rules between inputs, once. They never throw: a notification is never worth a failed
 * promotion, so each broken rule is returned in `problems` and main warns about it (or fails,
 * with fail-on-error). `announcement` is undefined when there is nothing that could be sent.
 */
function refine(values: InputValues<typeof specs>): InputValues<typeof specs> & {
  announcement: Announcement | undefined
  destinations: Destination[]
  problems: ConfigurationError[]
} {
  const problems: ConfigurationError[] = []
  const destinations: Destination[] = []
  for (const [name, target] of WEBHOOK_INPUTS) {
    const url = values[name]
    if (!url) continue
    const problem = webhookUrlProblem(url)
    if (problem)
      problems.push(
        new FieldError(
          name,
          `${problem}; give the webhook URL ${TARGET_NAME[target]} showed when it was created`
        )
      )
    else destinations.push({ target, url })
  }
  if (!WEBHOOK_INPUTS.some(([name]) => values[name]))
    problems.push(
      new ConfigurationError(
        'No webhook URL is set; give slack-webhook-url, teams-webhook-url or webhook-url (from a secret)'
      )
    )
  let announcement: Announcement | undefined
  if (values.event === 'outcome') {
    if (values.entry)
      announcement = { kind: 'outcome', entry: values.entry, auditCommit: values['audit-commit'] }
    else
      problems.push(
        new FieldError('entry', "is empty; with event outcome, pass audit-log's entry output")
      )
  } else {
    const missing = (['model-name', 'version', 'stage'] as const).filter(n => !values[n])
    for (const name of missing)
      problems.push(
        new FieldError(
          name,
          'is empty; an approval request names the model, the version and the target stage'
        )
      )
    if (missing.length === 0)
      announcement = {
        kind: 'approval-requested',
        model: values['model-name']!,
        version: values.version!,
        stage: values.stage!,
        reason: values.reason ?? '',
        gateReport: values['gate-report'],
        lineageReport: values['lineage-report'],
        artifact: values.artifact,
        artifactManifest: values['artifact-manifest'],
        rollback: values.rollback ? { replacing: values['previous-version'] ?? '' } : undefined
      }
  }
  return { ...values, announcement, destinations, problems }
}

/** Keys are exactly notify/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>
