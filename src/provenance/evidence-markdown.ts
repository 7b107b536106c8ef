import { escapeText, markdownTable } from '../core/summary.js'
import type { EvidencePack } from './evidence.js'

/** Text in the pack's markdown: escaped as every summary of the suite escapes it (core/summary.ts). */
const md = (value: string | number | boolean | null | undefined): string => escapeText(value ?? '')
const table = (head: string[], rows: (string | number | boolean | null | undefined)[][]): string =>
  rows.length === 0 ? '_none recorded_' : markdownTable(head, rows)

/**
 * What the approvals of a promotion are worth: confirmed by GitHub's record only when the run
 * check found the entry governed; otherwise they are what the line says, and the pack says so.
 */
export function approvalStanding(standing: string): string {
  return standing === 'governed'
    ? "Approvals confirmed by GitHub's record of the run."
    : `**Approvals as recorded, not confirmed by GitHub** (${standing === 'not-checked' ? 'the run check did not run' : "GitHub's record could not confirm them"}).`
}

/** The pack as markdown (the same object as the HTML and JSON forms). */
export function evidenceMarkdown(pack: EvidencePack): string {
  const v = pack.verification
  const out: string[] = [
    `# Evidence pack: ${md(pack.model)} version ${md(pack.version)}`,
    `Generated ${md(pack.generated_at)} from ${md(pack.audit_file)} (${pack.format}).`,
    v.valid
      ? `**Audit trail verified**: chain of ${v.entries} entries, head SHA-256 ${md(v.head_sha256)}.`
      : `**VERIFICATION FAILED** at line ${md(v.first_bad_line)}: ${md(v.first_bad_reason)}.`,
    '## Stage and alias holders',
    table(
      ['target', 'version', 'from', 'until', 'seq', 'event', 'actor'],
      pack.timeline.flatMap(t =>
        t.spans.map(s => [
          `${t.kind} ${t.name}`,
          s.version ?? '(none)',
          s.from,
          s.until ?? 'now',
          s.seq,
          s.event,
          s.actor
        ])
      )
    ),
    '## Trained by',
    pack.training
      ? table(
          ['field', 'value'],
          Object.entries(pack.training as unknown as Record<string, string | null>).map(
            ([k, val]) => [k, val]
          )
        )
      : '_not read_',
    ...(pack.commit_note ? [`**Commits differ**: ${md(pack.commit_note)}.`] : []),
    '## Data',
    `**Lineage level**: ${md(pack.lineage_level_text)}.`,
    pack.lineage
      ? table(
          ['field', 'value'],
          Object.entries(pack.lineage).map(([k, val]) => [
            k,
            val === null ? (k === 'level' ? 'not recorded' : 'unknown') : String(val)
          ])
        )
      : '_no lineage recorded_'
  ]
  if (pack.data && 'stages' in pack.data)
    for (const s of pack.data.stages)
      out.push(
        `dvc.lock at ${md(pack.data.commit)}, stage ${md(s.name)}:`,
        table(
          ['kind', 'path', 'md5'],
          [...s.deps.map(d => ['dep', d.path, d.md5]), ...s.outs.map(o => ['out', o.path, o.md5])]
        )
      )
  else if (pack.data) out.push(`_${md(pack.data.unavailable)}_`)
  if (pack.reproduce.length > 0)
    out.push('### Reproduce', ['```sh', ...pack.reproduce, '```'].join('\n'))
  out.push('## Promotions')
  for (const p of pack.promotions)
    out.push(
      `### seq ${p.seq}: ${md(p.event)} ${md(p.from || '-')} → ${md(p.to)} at ${md(p.ts)}`,
      table(
        ['actor', 'reason', 'run', 'commit', 'lock_sha256', 'model_md5', 'verified', 'level'],
        [
          [
            p.actor,
            p.reason,
            p.run_url,
            p.git_commit,
            p.lineage?.lock_sha256,
            p.lineage?.model_md5,
            String(p.lineage?.verified ?? ''),
            p.lineage ? (p.lineage.level ?? 'not recorded') : ''
          ]
        ]
      ),
      approvalStanding(p.github),
      table(
        ['approver', 'role', 'environment', 'state', 'comment'],
        p.approvals.map(a => [a.login, a.role ?? '', a.environments.join(', '), a.state, a.comment])
      ),
      table(
        ['metric', 'check', 'rule', 'observed', 'champion', 'verdict', 'reason'],
        p.gates.map(g => [g.metric, g.check, g.rule, g.observed, g.champion, g.verdict, g.reason])
      ),
      table(
        ['metric', 'value'],
        p.metrics.map(m => [m.name, m.value])
      )
    )
  out.push(
    '## Governed history',
    table(
      ['seq', 'time', 'event', 'outcome', 'from', 'to', 'actor', 'reason', 'history check'],
      pack.events.map(e => [
        e.seq,
        e.ts,
        e.event,
        e.outcome,
        e.from,
        e.to,
        e.actor,
        e.reason,
        [e.history_finding, e.github_finding].filter(Boolean).join('; ') || 'ok'
      ])
    ),
    '## Audit trail verification',
    table(
      ['check', 'result'],
      [
        ['valid', String(v.valid)],
        ...(v.trust ? [['trust', v.trust.statement]] : []),
        ['entries verified', v.entries],
        ['head sha256', v.head_sha256],
        [
          'history',
          v.history_checked
            ? `${v.history_commits} commit(s), ${v.history_findings.length} finding(s)`
            : `skipped: ${v.history_skipped}`
        ],
        ...v.history_findings.map(f => [`line ${f.line}`, `${f.commit.slice(0, 12)}: ${f.reason}`]),
        ['GitHub record', v.github.state],
        ['GitHub record note', v.github.note]
      ]
    )
  )
  return `${out.join('\n\n')}\n`
}
