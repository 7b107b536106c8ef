import type { EvidencePack } from './evidence.js'
import { approvalStanding } from './evidence-markdown.js'
import { escapeHtml as h, timelineSvg } from './timeline-svg.js'

const CSS = `body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;margin:24px auto;max-width:1160px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f6f8fa}
code{font:12px ui-monospace,monospace;word-break:break-all}.ok{background:#dafbe1;border:2px solid #2da44e}
.bad{background:#ffebe9;border:2px solid #cf222e}.verdict{padding:10px 14px;border-radius:6px;font-weight:600;font-size:16px}
.muted{color:#57606a}.fail{color:#cf222e;font-weight:600}.pass{color:#1a7f37;font-weight:600}pre{background:#f6f8fa;padding:8px;overflow:auto}`

const cell = (v: string | number | boolean | null | undefined): string =>
  `<td>${h(v === null || v === undefined ? '' : String(v))}</td>`
const row = (values: (string | number | boolean | null | undefined)[]): string =>
  `<tr>${values.map(cell).join('')}</tr>`
const table = (head: string[], rows: (string | number | boolean | null | undefined)[][]): string =>
  rows.length === 0
    ? '<p class="muted">none recorded</p>'
    : `<table><thead><tr>${head.map(x => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${rows.map(row).join('')}</tbody></table>`
const kv = (pairs: [string, string | number | boolean | null | undefined][]): string =>
  `<table><tbody>${pairs.map(([k, v]) => `<tr><th>${h(k)}</th>${cell(v)}</tr>`).join('')}</tbody></table>`

/** The pack as one self-contained HTML page: inline CSS, inline SVG, no script, a strict CSP. */
export function evidenceHtml(pack: EvidencePack): string {
  const v = pack.verification
  const verdict = v.valid
    ? `<p class="verdict ok">Audit trail verified: chain of ${v.entries} entries, head SHA-256 <code>${h(v.head_sha256)}</code></p>`
    : `<p class="verdict bad">VERIFICATION FAILED at line ${h(String(v.first_bad_line ?? '?'))}: ${h(v.first_bad_reason ?? '')}. Only the ${v.entries} line(s) before the chain broke are used; entries the history check flags are listed but not used.</p>`
  const parts: string[] = [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(`Evidence: ${pack.model} v${pack.version}`)}</title><style>${CSS}</style></head><body>`,
    `<h1>${h(`Evidence pack: ${pack.model} version ${pack.version}`)}</h1>`,
    `<p class="muted">${h(`Generated ${pack.generated_at} from ${pack.audit_file} (${pack.format})`)}</p>`,
    verdict,
    '<h2>Stage and alias holders</h2>',
    timelineSvg(pack.timeline, new Date(pack.generated_at), pack.version),
    '<h2>Trained by</h2>',
    pack.training
      ? kv([
          ['user', pack.training.user],
          ['run id', pack.training.run_id],
          ['run name', pack.training.run_name],
          ['start time', pack.training.start_time],
          ['end time', pack.training.end_time],
          ['status', pack.training.status],
          ['source commit', pack.training.source_commit],
          ['source', pack.training.source_name],
          ['model source', pack.training.model_source],
          ['unavailable', pack.training.unavailable]
        ])
      : '<p class="muted">not read</p>',
    ...(pack.commit_note
      ? [`<p><strong>Commits differ</strong>: ${h(pack.commit_note)}.</p>`]
      : []),
    '<h2>Data</h2>',
    `<p><strong>Lineage level</strong>: ${h(pack.lineage_level_text)}.</p>`,
    pack.lineage
      ? kv([
          ['lineage level', pack.lineage.level_text],
          ['lock_sha256', pack.lineage.lock_sha256],
          ['model_md5', pack.lineage.model_md5],
          ['verified', pack.lineage.verified === null ? 'unknown' : String(pack.lineage.verified)],
          ['recorded by seq', pack.lineage.seq],
          ['promotion commit', pack.lineage.git_commit],
          ['lineage commit', pack.lineage.commit]
        ])
      : '<p class="muted">no lineage recorded</p>'
  ]
  if (pack.data && 'stages' in pack.data) {
    parts.push(`<h3>${h(`dvc.lock at ${pack.data.commit}`)}</h3>`)
    for (const s of pack.data.stages)
      parts.push(
        `<h3>${h(`stage ${s.name}`)}</h3>`,
        table(
          ['kind', 'path', 'md5'],
          [
            ...s.deps.map(d => ['dep', d.path, d.md5]),
            ...s.outs.map(o => ['out', o.path, o.md5]),
            ...s.params.map(p => ['params', p.file, JSON.stringify(p.values)])
          ]
        )
      )
  } else if (pack.data) parts.push(`<p class="muted">${h(pack.data.unavailable)}</p>`)
  if (pack.reproduce.length > 0)
    parts.push('<h3>Reproduce</h3>', `<pre>${pack.reproduce.map(h).join('&#10;')}</pre>`)
  parts.push('<h2>Promotions</h2>')
  if (pack.promotions.length === 0) parts.push('<p class="muted">none</p>')
  for (const p of pack.promotions) {
    parts.push(
      `<h3>${h(`seq ${p.seq}: ${p.event} ${p.from || '-'} → ${p.to} at ${p.ts}`)}</h3>`,
      kv([
        ['actor', p.actor],
        ['triggered by', p.triggered_by],
        ['reason', p.reason],
        ['run', p.run_url],
        ['run id', p.run_id],
        ['workflow', p.workflow_ref],
        ['commit', p.git_commit],
        ['lock_sha256', p.lineage?.lock_sha256],
        ['model_md5', p.lineage?.model_md5],
        ['lineage verified', p.lineage ? String(p.lineage.verified ?? 'unknown') : 'none recorded'],
        ['lineage level', p.lineage ? p.lineage.level_text : 'none recorded']
      ]),
      '<h3>Approvals</h3>',
      `<p class="verdict ${p.github === 'governed' ? 'ok' : 'bad'}">${h(approvalStanding(p.github).replace(/\*\*/g, ''))}</p>`,
      table(
        ['login', 'role', 'environment', 'state', 'comment'],
        p.approvals.map(a => [a.login, a.role ?? '', a.environments.join(', '), a.state, a.comment])
      ),
      '<h3>Gates</h3>',
      table(
        ['metric', 'check', 'rule', 'observed', 'champion', 'verdict', 'reason'],
        p.gates.map(g => [g.metric, g.check, g.rule, g.observed, g.champion, g.verdict, g.reason])
      ),
      '<h3>Metrics</h3>',
      table(
        ['metric', 'value'],
        p.metrics.map(m => [m.name, m.value])
      )
    )
  }
  parts.push(
    '<h2>Governed history (every event)</h2>',
    table(
      [
        'seq',
        'time',
        'event',
        'outcome',
        'from',
        'to',
        'previous',
        'actor',
        'reason',
        'run',
        'commit',
        'history check'
      ],
      pack.events.map(e => [
        e.seq,
        e.ts,
        e.event,
        e.outcome,
        e.from,
        e.to,
        e.previous_version,
        e.actor,
        e.reason,
        e.run_url,
        e.git_commit,
        [e.history_finding, e.github_finding].filter(Boolean).join('; ') || 'ok'
      ])
    ),
    '<h2>Audit trail verification</h2>',
    kv([
      ['valid', String(v.valid)],
      ['chain valid', String(v.chain_valid)],
      ['entries verified', v.entries],
      ['head sha256', v.head_sha256],
      ['first bad line', v.first_bad_line],
      ['first bad reason', v.first_bad_reason],
      ['first bad commit', v.first_bad_commit],
      ['history checked', String(v.history_checked)],
      ['history skipped', v.history_skipped],
      ['history commits', v.history_commits],
      ['GitHub record', v.github.state],
      ['GitHub record note', v.github.note]
    ]),
    table(
      ['line', 'commit', 'finding'],
      v.history_findings.map(f => [f.line, f.commit, f.reason])
    ),
    '</body></html>\n'
  )
  return parts.join('\n')
}
