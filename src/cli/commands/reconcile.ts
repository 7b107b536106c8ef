import { reconcile, type ReconcileReport, type TargetRow } from '../../reconcile/reconcile.js'
import { loadTrail } from '../../reconcile/audit-source.js'
import { countedEntries } from '../../audit/trail.js'
import type { TrustVerdict } from '../../audit/verdict.js'
import { requireKnownModels } from '../../reconcile/known-models.js'
import { positionals } from '../args.js'
import { auditTrust } from '../audit-trust.js'
import { auditPath, mlflowClient, policyFor, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { renderTable, type Cell } from '../table.js'

const show = (version: string | null): string => (version === null ? '-' : version)

export function reconcileRowCells(row: TargetRow): Cell[] {
  return [
    row.inSync ? { text: 'in sync', tone: 'green' } : { text: 'DRIFT', tone: 'red' },
    row.model,
    `${row.target.kind} ${row.target.name}`,
    show(row.registryVersion),
    show(row.auditedVersion),
    row.lastUpdatedTimestamp === null ? '' : new Date(row.lastUpdatedTimestamp).toISOString(),
    row.userId ?? ''
  ]
}

function json(
  report: ReconcileReport,
  registry: string,
  file: string,
  trust: TrustVerdict
): unknown {
  return {
    trust,
    in_sync: report.inSync,
    registry,
    audit_file: file,
    models: report.models,
    findings: report.findings,
    targets: report.rows.map(r => ({
      model: r.model,
      kind: r.target.kind,
      target: r.target.name,
      registry_version: r.registryVersion,
      audited_version: r.auditedVersion,
      in_sync: r.inSync
    }))
  }
}

/** `reconcile [--model m]...`: the reconcile action, from a terminal. */
export async function reconcileCommand(ctx: CommandContext): Promise<ExitCode> {
  positionals(ctx.args, [], 0)
  const file = auditPath(ctx)
  const trail = await loadTrail(file.full, file.label, auditTrust(ctx))
  const entries = countedEntries(trail)
  const registry = mlflowClient(ctx)
  await requireKnownModels(ctx.args.models, entries, registry, file.label)
  const report = await reconcile(entries, { registry, policyFor: policyFor(ctx) }, ctx.args.models)
  if (ctx.args.json) {
    ctx.out(JSON.stringify(json(report, registry.server, file.label, trail.verdict), null, 2))
  } else {
    const rows = [...report.rows].sort((a, b) => Number(a.inSync) - Number(b.inSync))
    const headline = report.inSync
      ? ctx.style.paint(
          `In sync: ${report.rows.length} target(s) of ${report.models.length} model(s) hold what ${file.label} says.`,
          'green'
        )
      : ctx.style.paint(
          `Drift: ${report.findings.length} target(s) changed outside the audit trail (${registry.server} against ${file.label}).`,
          'red'
        )
    const table =
      rows.length > 0
        ? renderTable(
            [
              'STATUS',
              'MODEL',
              'TARGET',
              'REGISTRY',
              'AUDITED',
              'REGISTRY LAST UPDATED',
              'REGISTRY USER'
            ],
            rows.map(reconcileRowCells),
            ctx.style
          )
        : `${file.label} names no models.`
    ctx.out(`${table}\n\n${headline}`)
  }
  return report.inSync ? EXIT.ok : EXIT.problem
}
