import { ConfigurationError } from '../core/errors.js'
import type { RunContext } from '../github/context.js'
import { serverLabel } from '../mlflow/connection.js'
import type { AuditApproval, AuditEntry } from './entry.js'
import { APPEND_EVENTS, REASON_LIMIT, truncateCodePoints, type EntryFields } from './format.js'

/** What append mode records, as the action's inputs give it (JSON inputs still as text). */
export interface EntryInputs {
  event: string
  outcome?: string | undefined
  model: string
  version?: string | undefined
  from?: string | undefined
  to?: string | undefined
  previousVersion?: string | undefined
  reason?: string | undefined
  metrics?: string | undefined
  gates?: string | undefined
  lineage?: string | undefined
  trackingUri?: string | undefined
}

export interface BuiltEntry {
  fields: EntryFields
  /** Things the summary should tell the reader (a cut reason, ...). */
  notes: string[]
}

function parseJsonInput(name: string, text: string | undefined, hint: string): unknown {
  if (text === undefined || text.trim() === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ConfigurationError(
      `Input '${name}' is not valid JSON (${(error as Error).message}); ${hint}`
    )
  }
}

function pick(source: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) if (key in source) return source[key]
  return undefined
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * lineage-check's outputs are named lock-sha256, model-md5 and verified; users pass them as one
 * JSON object in whichever spelling they have (kebab, snake or camel case), so all three are read.
 */
export function normaliseLineage(text: string | undefined): AuditEntry['lineage'] {
  const value = parseJsonInput(
    'lineage',
    text,
    'pass a JSON object such as {"lock-sha256": "...", "model-md5": "...", "verified": true}'
  )
  if (value === null) return { lock_sha256: '', model_md5: '', verified: null }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      "Input 'lineage' must be a JSON object with lock-sha256, model-md5 and verified"
    )
  }
  const source = value as Record<string, unknown>
  const verified = pick(source, ['verified'])
  return {
    lock_sha256: asText(pick(source, ['lock_sha256', 'lock-sha256', 'lockSha256'])),
    model_md5: asText(pick(source, ['model_md5', 'model-md5', 'modelMd5'])),
    verified:
      verified === true || verified === 'true'
        ? true
        : verified === false || verified === 'false'
          ? false
          : null
  }
}

/** Scheme and host of the tracking server: never user info, path secrets or a query string. */
export function registryLabel(uri: string | undefined): string {
  if (!uri) return ''
  try {
    return serverLabel(new URL(uri))
  } catch {
    throw new ConfigurationError(
      "Input 'tracking-uri' is not a URL; use http(s)://host[:port] of your MLflow tracking server"
    )
  }
}

export function buildEntry(
  input: EntryInputs,
  context: RunContext,
  approvals: AuditApproval[],
  gitCommit: string,
  nowMs: number,
  env: NodeJS.ProcessEnv = {}
): BuiltEntry {
  if (!(APPEND_EVENTS as readonly string[]).includes(input.event)) {
    throw new ConfigurationError(
      `Input 'event' is '${input.event}'; use one of: ${APPEND_EVENTS.join(', ')}`
    )
  }
  const outcome =
    input.outcome ||
    (input.event === 'promote' || input.event === 'rollback' ? 'success' : 'failure')
  if (outcome !== 'success' && outcome !== 'failure') {
    throw new ConfigurationError(`Input 'outcome' is '${outcome}'; use success or failure`)
  }
  const notes: string[] = []
  const reason = truncateCodePoints(input.reason ?? '', REASON_LIMIT)
  if (reason.truncated)
    notes.push(
      `The reason was ${reason.length} characters; the first ${REASON_LIMIT} are recorded.`
    )
  const fields: EntryFields = {
    ts: new Date(nowMs).toISOString(),
    event: input.event as EntryFields['event'],
    outcome,
    model: input.model,
    version: input.version ?? '',
    from: input.from ?? '',
    to: input.to ?? '',
    previous_version: input.previousVersion ?? '',
    actor: context.actor ?? '',
    triggered_by: context.triggeringActor ?? '',
    approvals,
    reason: reason.text,
    repository: context.repository ?? '',
    run_id: context.runId ?? '',
    run_attempt: context.runAttempt ?? '',
    run_url: context.runUrl ?? '',
    workflow_ref: context.workflowRef ?? '',
    git_commit: gitCommit,
    lineage: normaliseLineage(input.lineage),
    metrics: parseJsonInput(
      'metrics',
      input.metrics,
      "pass validate-metrics' metrics output as it is"
    ),
    gates: parseJsonInput('gates', input.gates, "pass validate-metrics' report output as it is"),
    registry: registryLabel(input.trackingUri || env.MLFLOW_TRACKING_URI)
  }
  return { fields, notes }
}
