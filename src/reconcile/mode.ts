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
import type { RegistryReader } from './registry-state.js'
import { renderReconcile } from './summary.js'

export interface ReconcileModeOptions {
  /** The audit log as the workspace has it (full path) and as the user named it (label). */
  file: { full: string; label: string }
  /** Only these models (the model-name input, comma-separated); empty: every model the log names. */
  models: string[]
  failOnDrift: boolean
  recordDrift: boolean
  /** The history check's settings (default: on, the suite's identities). */
  trail?: Omit<AuditSourceOptions, 'warn'>
}

export interface ReconcileModeDeps {
  registry: RegistryReader
  policyFor: (model: string) => Policy
  logger: Logger
  clock: Clock
  run: RunContext
  gitCommit: () => Promise<string>
  /** Appends one event through the audit room's append (chain check, race retries, commit). */
  record: (fields: EntryFields) => Promise<{ seq: number; commitSha: string }>
  setOutput(name: string, value: string | number | boolean): void
  summary: { add(markdown: string): void }
}

/**
 * audit-log's `mode: reconcile`: compare, report (outputs and summary), optionally record each
 * finding as a drift-detected event, then fail on drift when asked. The registry is only read.
 */
export async function runReconcileMode(
  options: ReconcileModeOptions,
  deps: ReconcileModeDeps
): Promise<ReconcileReport> {
  const ignored: string[] = []
  const entries = await loadVerifiedEntries(options.file.full, options.file.label, {
    ...options.trail,
    warn: message => {
      deps.logger.warning(message, { file: options.file.label })
      ignored.push(escapeText(message))
    },
    note: message => deps.logger.info(message)
  })
  const report = await reconcile(
    entries,
    { registry: deps.registry, policyFor: deps.policyFor },
    options.models
  )
  deps.setOutput('in-sync', report.inSync)
  deps.setOutput('findings', JSON.stringify(report.findings))
  const parts = [renderReconcile(report, options.file.label), ...ignored]
  for (const finding of report.findings)
    deps.logger.warning(describeFinding(finding), { file: options.file.label })
  if (options.recordDrift && report.findings.length > 0) {
    const commit = await deps.gitCommit()
    const recorded: string[] = []
    try {
      for (const finding of report.findings) {
        const fields = driftEntry(finding, deps.run, commit, deps.registry.server, deps.clock.now())
        const result = await deps.record(fields)
        recorded.push(`line ${result.seq} (${result.commitSha.slice(0, 12)})`)
      }
    } finally {
      // Whatever was recorded before a failure is still reported.
      parts.push(
        recorded.length > 0
          ? `Recorded ${recorded.length} drift-detected event(s) in ${escapeText(options.file.label)}: ${recorded.join(', ')}.`
          : `No drift-detected event could be recorded in ${escapeText(options.file.label)}.`
      )
      deps.summary.add(parts.join('\n\n'))
    }
  } else {
    if (report.findings.length > 0)
      parts.push(
        'Set `record-drift: true` to append each finding to the audit log as a `drift-detected` event.'
      )
    deps.summary.add(parts.join('\n\n'))
  }
  if (!report.inSync && options.failOnDrift) {
    throw new ActionError(
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
  return report
}
