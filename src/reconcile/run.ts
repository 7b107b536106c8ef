import type { EntryFields } from '../audit/format.js'
import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { escapeText } from '../core/summary.js'
import type { Clock } from '../core/time.js'
import type { RunContext } from '../github/context.js'
import type { Policy } from '../policy/index.js'
import { loadVerifiedEntries, type AuditSourceOptions } from './audit-source.js'
import { driftEntry, describeFinding } from './drift-record.js'
import { reconcile, type ReconcileReport } from './reconcile.js'
import type { MlflowClient } from '../mlflow/index.js'
import { requireKnownModels } from './known-models.js'
import type { RegistryReader } from './registry-state.js'
import { reconcileSummary } from './summary.js'

export interface ReconcileRunOptions {
  /** The audit log as the workspace has it (full path) and as the user named it (label). */
  file: { full: string; label: string }
  /** Only these models; empty: every model the log names. */
  models: string[]
  failOnDrift: boolean
  /** Append each finding to the audit log as a drift-detected event. */
  recordDrift: boolean
  /** The history check's settings (default: on, the suite's identities). */
  trail?: Omit<AuditSourceOptions, 'warn' | 'note'>
}

export interface RecordedEvent {
  seq: number
  commitSha: string
}

export interface ReconcileRunDeps {
  /** getRegisteredModel: a model-name the log never names must at least exist in the registry. */
  registry: RegistryReader & Pick<MlflowClient, 'getRegisteredModel'>
  policyFor: (model: string) => Policy
  logger: Logger
  clock: Clock
  run: RunContext
  gitCommit: () => Promise<string>
  /** Appends one event through the audit room's append (chain check, race retries, commit). */
  record: (fields: EntryFields) => Promise<RecordedEvent>
}

export interface ReconcileRun {
  report: ReconcileReport
  /** The drift-detected events appended, in order (before a failure, if one stopped them). */
  recorded: RecordedEvent[]
  summary: string
  /** Why recording stopped, when it did; what was recorded before is still reported. */
  recordError?: unknown
  /** The failure to report when there is drift and failOnDrift is set. */
  driftError?: ActionError
}

/**
 * Compares the registry with the audit log, optionally records each finding as a drift-detected
 * event, and says whether the caller should fail. The registry is only read; nothing here sets
 * outputs or fails a step: the caller maps the result.
 */
export async function runReconcile(
  options: ReconcileRunOptions,
  deps: ReconcileRunDeps
): Promise<ReconcileRun> {
  // Only entries that the history check confirms are trusted: a forged line must never make
  // drift look governed. Each one left out is warned about and named in the summary.
  const ignored: string[] = []
  const trust: string[] = []
  const entries = await loadVerifiedEntries(options.file.full, options.file.label, {
    ...options.trail,
    warn: message => {
      deps.logger.warning(message, { file: options.file.label })
      ignored.push(escapeText(message))
    },
    note: message => {
      deps.logger.info(message)
      trust.push(escapeText(message))
    }
  })
  await requireKnownModels(options.models, entries, deps.registry, options.file.label)
  const report = await reconcile(
    entries,
    { registry: deps.registry, policyFor: deps.policyFor },
    options.models
  )
  const label = escapeText(options.file.label)
  const parts = [reconcileSummary(report, options.file.label), ...trust, ...ignored]
  for (const finding of report.findings)
    deps.logger.warning(describeFinding(finding), { file: options.file.label })
  const recorded: RecordedEvent[] = []
  let recordError: unknown
  if (options.recordDrift && report.findings.length > 0) {
    try {
      const commit = await deps.gitCommit()
      for (const finding of report.findings) {
        const fields = driftEntry(finding, deps.run, commit, deps.registry.server, deps.clock.now())
        recorded.push(await deps.record(fields))
      }
    } catch (error) {
      recordError = error
    }
    // Whatever was recorded before a failure is still reported.
    parts.push(
      recorded.length > 0
        ? `Recorded ${recorded.length} drift-detected event(s) in ${label}: ${recorded.map(r => `line ${r.seq} (${r.commitSha.slice(0, 12)})`).join(', ')}.`
        : `No drift-detected event could be recorded in ${label}.`
    )
  } else if (report.findings.length > 0) {
    parts.push(
      'Set `record-drift: true` to append each finding to the audit log as a `drift-detected` event.'
    )
  }
  const result: ReconcileRun = { report, recorded, summary: parts.join('\n\n') }
  if (recordError !== undefined) result.recordError = recordError
  if (!report.inSync && options.failOnDrift) result.driftError = driftError(report)
  return result
}

function driftError(report: ReconcileReport): ActionError {
  return new ActionError(
    `${report.findings.length} registry target(s) changed outside the audit trail: ` +
      report.findings
        .map(
          f =>
            `${f.model} ${f.kind} ${f.target} (registry ${f.registry_version ?? 'none'}, audited ${f.audited_version ?? 'none'})`
        )
        .join('; ') +
      '. Promote the intended version through promote-model, or set fail-on-drift: false to report without failing'
  )
}
