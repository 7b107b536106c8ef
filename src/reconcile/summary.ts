import { escapeText, heading, markdownTable, trusted } from '../core/summary.js'
import type { ReconcileReport } from './reconcile.js'

const show = (version: string | null): string => (version === null ? '—' : version)

/** The job summary of reconcile: every compared target, drift first. */
export function reconcileSummary(report: ReconcileReport, file: string): string {
  const verdict = report.inSync
    ? `**In sync**: ${report.rows.length} target(s) of ${report.models.length} model(s) hold what ${escapeText(file)} says.`
    : `**Drift: ${report.findings.length} target(s) changed outside the audit trail.** The registry disagrees with ${escapeText(file)}.`
  const rows = [...report.rows]
    .sort((a, b) => Number(a.inSync) - Number(b.inSync))
    .map(r => [
      r.inSync ? 'in sync' : trusted('**DRIFT**'),
      r.model,
      `${r.target.kind} ${r.target.name}`,
      show(r.registryVersion),
      show(r.auditedVersion),
      r.lastUpdatedTimestamp === null ? '' : new Date(r.lastUpdatedTimestamp).toISOString(),
      r.userId ?? '',
      typeof r.entry?.seq === 'number' ? r.entry.seq : ''
    ])
  const table =
    rows.length > 0
      ? markdownTable(
          [
            'Status',
            'Model',
            'Target',
            'Registry',
            'Audited',
            'Registry last updated (UTC)',
            'Registry user',
            'Audit seq'
          ],
          rows
        )
      : '_No models to compare: the audit log names none._'
  return [heading('Reconcile: registry against the audit log'), verdict, table].join('\n\n')
}
