import { runFields } from './run-fields.js'
import { bidiControls, hasUnsafeText, neutraliseBidi } from '../core/text-safety.js'
import { FieldError } from '../core/errors.js'
import type { RunContext } from '../github/context.js'
import { serverLabel } from '../mlflow/connection.js'
import type { AuditApproval, AuditEntry } from './entry.js'
import { checked, isModelName, isTarget, isVersion, type InvalidField } from './field-checks.js'
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
  /** The approved artifact digest, `{"digest", "files", "uri"}` (promote-model's artifact output). */
  artifact?: string | undefined
  trackingUri?: string | undefined
}

export interface BuiltEntry {
  fields: EntryFields
  /** Things the summary should tell the reader (a cut reason, ...). */
  notes: string[]
  /** Things to warn about in the log too (bidirectional controls made visible, ...). */
  warnings: string[]
  /**
   * Fields recorded empty because their input failed a check, with the input's name, for the
   * warning that names it. Also in fields.invalid (without the input name).
   */
  invalid: (InvalidField & { input: string })[]
}

/** A JSON input: its value, or the reason it is not valid JSON (never the text or the parser's excerpt). */
function parseJsonInput(text: string | undefined): { value: unknown } | { reason: string } {
  if (text === undefined || text.trim() === '') return { value: null }
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    return { reason: `is not valid JSON${at === undefined ? '' : ` (at character ${at})`}` }
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

const NO_LINEAGE: AuditEntry['lineage'] = { lock_sha256: '', model_md5: '', verified: null }

/**
 * lineage-check's outputs are named lock-sha256, model-md5 and verified; users pass them as one
 * JSON object in whichever spelling they have (kebab, snake or camel case), so all three are read.
 * Text that is not such an object gives its reason instead.
 */
export function readLineage(
  text: string | undefined
): { lineage: AuditEntry['lineage'] } | { reason: string } {
  const parsed = parseJsonInput(text)
  if ('reason' in parsed) return parsed
  const value = parsed.value
  if (value === null) return { lineage: NO_LINEAGE }
  if (typeof value !== 'object' || Array.isArray(value))
    return { reason: 'is not a JSON object with lock-sha256, model-md5 and verified' }
  const source = value as Record<string, unknown>
  const verified = pick(source, ['verified'])
  // level and commit (issue "Seed flow"): optional, for callers from before levels existed;
  // when present they must be what lineage-check writes, or the whole lineage is refused.
  const level = pick(source, ['level'])
  const levelNumber = typeof level === 'string' && /^[1-4]$/.test(level) ? Number(level) : level
  if (
    level !== undefined &&
    level !== null &&
    level !== '' &&
    ![1, 2, 3, 4].includes(levelNumber as number)
  )
    return {
      reason: `has level ${JSON.stringify(level).slice(0, 40)}; a lineage level is 1, 2, 3 or 4`
    }
  const commit = pick(source, ['commit'])
  if (
    commit !== undefined &&
    commit !== null &&
    commit !== '' &&
    (typeof commit !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
  )
    return { reason: 'has a commit that is not a full git commit id (40 or 64 hex digits)' }
  return {
    lineage: {
      lock_sha256: asText(pick(source, ['lock_sha256', 'lock-sha256', 'lockSha256'])),
      model_md5: asText(pick(source, ['model_md5', 'model-md5', 'modelMd5'])),
      verified:
        verified === true || verified === 'true'
          ? true
          : verified === false || verified === 'false'
            ? false
            : null,
      ...(typeof levelNumber === 'number' ? { level: levelNumber as 1 | 2 | 3 | 4 } : {}),
      ...(typeof commit === 'string' && commit !== '' ? { commit } : {})
    }
  }
}

/** readLineage for callers that want a user's mistake as an error naming the field. */
export function normaliseLineage(text: string | undefined): AuditEntry['lineage'] {
  const read = readLineage(text)
  if ('reason' in read)
    throw new FieldError(
      'lineage',
      `${read.reason}; pass a JSON object such as {"lock-sha256": "...", "model-md5": "...", "verified": true}`
    )
  return read.lineage
}

const DIGEST = /^sha256:[0-9a-f]{64}$/
const URI_LIMIT = 2048

/**
 * User info before the host, which can only be a secret, with one exception kept in step with
 * the artifacts room's redactUri: Azure's wasbs/abfss (and wasb/abfs) URIs name the container
 * there (`wasbs://<container>@<account>.blob.core.windows.net/…`, as MLflow writes them), and a
 * container name has no ':'. Refusing those dropped the digest of every Azure-stored promotion
 * from its entry, so resolve --download refused them all.
 */
function carriesCredentials(uri: string): boolean {
  const userinfo = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(uri)
  if (!userinfo) return false
  const scheme = userinfo[1]!.toLowerCase()
  const azure = scheme === 'wasbs' || scheme === 'abfss' || scheme === 'wasb' || scheme === 'abfs'
  return !(azure && /^[a-z0-9-]+$/i.test(userinfo[2]!))
}

/**
 * promote-model's `artifact` output: the approved digest, the file count and the store URI the
 * files were read from. Each part is checked, since the entry is what resolve later trusts: a
 * digest in its one spelling, a whole number of files, a URI on one line without credentials.
 * Empty text records no artifact (an event that never read one).
 */
export function readArtifact(
  text: string | undefined
): { artifact: AuditEntry['artifact'] } | { reason: string } {
  const parsed = parseJsonInput(text)
  if ('reason' in parsed) return parsed
  const value = parsed.value
  if (value === null) return { artifact: undefined }
  if (typeof value !== 'object' || Array.isArray(value))
    return { reason: 'is not a JSON object with digest, files and uri' }
  const { digest, files, uri } = value as Record<string, unknown>
  if (typeof digest !== 'string' || !DIGEST.test(digest))
    return { reason: 'has a digest that is not sha256:<64 lowercase hex>' }
  if (typeof files !== 'number' || !Number.isSafeInteger(files) || files < 0)
    return { reason: 'has a files count that is not a whole number' }
  if (typeof uri !== 'string' || uri.length > URI_LIMIT)
    return { reason: `has a uri that is not text of at most ${URI_LIMIT} characters` }
  if (hasUnsafeText(uri)) return { reason: 'has a uri with a control character' }
  if (carriesCredentials(uri))
    return { reason: 'has a uri that carries credentials (user info before @)' }
  return { artifact: { digest, files, uri } }
}

/** Scheme and host of the tracking server: never user info, path secrets or a query string. */
export function registryLabel(uri: string | undefined): string {
  if (!uri) return ''
  try {
    return serverLabel(new URL(uri))
  } catch {
    throw new FieldError(
      'tracking-uri',
      'is not a URL; use http(s)://host[:port] of your MLflow tracking server'
    )
  }
}

function registryOf(uri: string | undefined): { label: string } | { reason: string } {
  if (!uri) return { label: '' }
  try {
    const url = new URL(uri)
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { reason: 'is not an http(s) URL' }
    return { label: serverLabel(url) }
  } catch {
    return { reason: 'is not a URL' }
  }
}

/** What each input is called, for the warning (the entry names its own key). */
const INPUT_OF: Record<string, string> = {
  event: 'event',
  outcome: 'outcome',
  model: 'model-name',
  version: 'version',
  from: 'from',
  to: 'to',
  previous_version: 'previous-version',
  lineage: 'lineage',
  metrics: 'metrics',
  gates: 'gates',
  artifact: 'artifact',
  registry: 'tracking-uri'
}

/**
 * Builds the entry without ever refusing it for its data: an input that fails its check is
 * recorded empty (or null) and listed in `invalid`, so the event itself is never lost. An
 * event that is not one of APPEND_EVENTS is recorded as `error` (the catch-all), an outcome
 * other than success or failure as `failure`: the conservative readings, since reconcile and
 * rollback only trust successful promote and rollback entries.
 */
export function buildEntry(
  input: EntryInputs,
  context: RunContext,
  approvals: AuditApproval[],
  gitCommit: string,
  nowMs: number,
  env: NodeJS.ProcessEnv = {}
): BuiltEntry {
  const invalid: InvalidField[] = []
  let event = input.event as EntryFields['event']
  if (!(APPEND_EVENTS as readonly string[]).includes(input.event)) {
    invalid.push({ field: 'event', reason: `is not one of: ${APPEND_EVENTS.join(', ')}` })
    event = 'error'
  }
  let outcome: string =
    input.outcome || (event === 'promote' || event === 'rollback' ? 'success' : 'failure')
  if (outcome !== 'success' && outcome !== 'failure') {
    invalid.push({ field: 'outcome', reason: 'is not success or failure' })
    outcome = 'failure'
  }
  // A bad event or outcome cannot be a success: recording one would make it look audited.
  if (invalid.length > 0) outcome = 'failure'
  const notes: string[] = []
  const warnings: string[] = []
  // Text people read is recorded with its bidirectional controls made visible (core/text-safety.ts):
  // a U+202E would otherwise show the reviewer a reason, or a review comment, reversed.
  const readable = (what: string, text: string): string => {
    const found = bidiControls(text)
    if (found.length === 0) return text
    warnings.push(
      `${what} holds bidirectional control characters (${found.join(', ')}), which reorder how it is shown; ` +
        'each is recorded as visible text, e.g. [U+202E]'
    )
    return neutraliseBidi(text)
  }
  const reason = truncateCodePoints(readable("Input 'reason'", input.reason ?? ''), REASON_LIMIT)
  if (reason.truncated)
    notes.push(
      `The reason was ${reason.length} characters; the first ${REASON_LIMIT} are recorded.`
    )
  const model = checked('model', input.model, isModelName, invalid)
  const version = checked('version', input.version, isVersion, invalid)
  const from = checked('from', input.from, isTarget, invalid)
  const to = checked('to', input.to, isTarget, invalid)
  const previousVersion = checked('previous_version', input.previousVersion, isVersion, invalid)
  const lineage = readLineage(input.lineage)
  if ('reason' in lineage) invalid.push({ field: 'lineage', reason: lineage.reason })
  const json = (field: 'metrics' | 'gates', text: string | undefined): unknown => {
    const parsed = parseJsonInput(text)
    if ('value' in parsed) return parsed.value
    invalid.push({ field, reason: parsed.reason })
    return null
  }
  const artifact = readArtifact(input.artifact)
  if ('reason' in artifact) invalid.push({ field: 'artifact', reason: artifact.reason })
  const metrics = json('metrics', input.metrics)
  const gates = json('gates', input.gates)
  const registry = registryOf(input.trackingUri || env.MLFLOW_TRACKING_URI)
  if ('reason' in registry) invalid.push({ field: 'registry', reason: registry.reason })
  const fields: EntryFields = {
    ts: new Date(nowMs).toISOString(),
    event,
    outcome: outcome as EntryFields['outcome'],
    model,
    version,
    from,
    to,
    previous_version: previousVersion,
    approvals: approvals.map(a =>
      typeof a.comment === 'string' && bidiControls(a.comment).length > 0
        ? { ...a, comment: readable(`The review comment of ${a.login}`, a.comment) }
        : a
    ),
    reason: reason.text,
    ...runFields(context),
    git_commit: gitCommit,
    lineage: 'reason' in lineage ? NO_LINEAGE : lineage.lineage,
    metrics,
    gates,
    registry: 'reason' in registry ? '' : registry.label
  }
  // Only entries that read an artifact carry the key, so the others stay byte-for-byte as before.
  if ('artifact' in artifact && artifact.artifact) fields.artifact = artifact.artifact
  // Only entries with a problem carry the key, so every other line is byte-for-byte format v1 as before.
  if (invalid.length > 0) fields.invalid = invalid
  notes.push(...warnings)
  return {
    fields,
    notes,
    warnings,
    invalid: invalid.map(item => ({ ...item, input: INPUT_OF[item.field] ?? item.field }))
  }
}
