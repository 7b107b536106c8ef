import { oneLine, renderTable, shorten, type Cell, type Styler } from '../table.js'
import { NO_LINEAGE_RECORDED, type StatusTarget } from './status-target.js'

/** The compact table fits a 100-column terminal: long values are cut here, whole in --json. */
const WIDTH = { target: 17, trained: 14, approved: 14 } as const

/** The LVL cell: the level, `-` when no lineage was recorded, `?` when it predates levels. */
function levelCell(t: StatusTarget): string {
  if (t.lineage_level !== null) return String(t.lineage_level)
  return t.data.recorded ? '?' : '-'
}

const day = (iso: string | null): string => (iso ?? '').slice(0, 10)
const short = (hex: string | null | undefined): string => (hex ?? '').slice(0, 8)

function approvers(t: StatusTarget): string {
  const approved = t.approvals.filter(a => a.state === 'approved').map(a => a.login)
  const logins = approved.length > 0 ? approved : t.approved_by
  return [...new Set(logins)].join(',')
}

function row(t: StatusTarget): Cell[] {
  return [
    shorten(`${t.kind} ${t.target}`, WIDTH.target),
    t.version ?? '-',
    day(t.since),
    shorten(t.trained_by?.user ?? '', WIDTH.trained),
    shorten(approvers(t), WIDTH.approved),
    levelCell(t),
    short(t.lock_sha256),
    short(t.commit),
    t.drift ? { text: 'DRIFT', tone: 'red' } : { text: 'ok', tone: 'green' }
  ]
}

/** `status <model>`: one row per target, then what drifted and how to see one target in full. */
export function statusTable(
  model: string,
  targets: StatusTarget[],
  auditFile: string,
  style: Styler
): string {
  const table = renderTable(
    ['TARGET', 'VER', 'SINCE', 'TRAINED BY', 'APPROVED BY', 'LVL', 'DATA', 'COMMIT', 'AUDIT'],
    targets.map(row),
    style
  )
  const lines = [table, '']
  const drifted = targets.filter(t => t.drift)
  for (const t of targets.filter(x => x.commit_note))
    lines.push(
      `${t.kind} ${t.target}: the run's commit ${short(t.trained_by?.source_commit)} differs from the lineage commit ${short(t.commit)} (COMMIT)`
    )
  for (const t of drifted) {
    lines.push(
      style.paint(
        shorten(
          `${t.kind} ${t.target}: the registry holds ${t.version ?? 'nothing'}, ${auditFile} says ${t.audited_version ?? 'nothing'}`,
          100
        ),
        'red'
      )
    )
  }
  lines.push(
    drifted.length === 0
      ? style.paint(`${model}: every stage and alias holds what ${auditFile} says.`, 'green')
      : style.paint(
          `${model}: ${drifted.length} target(s) changed outside the audit trail (see 'model-governance reconcile').`,
          'red'
        )
  )
  if (targets.length > 0)
    lines.push(
      'LVL is the lineage level (1 strongest, 4 no link; ? recorded before levels, - none recorded),',
      "DATA is dvc.lock's sha256, COMMIT the one that reproduces it. One target in full:",
      `  model-governance status ${model} ${targets[0]!.kind}:${targets[0]!.target}`
    )
  return lines.join('\n')
}

/** A labelled line: the label column is 16 wide so values start at one place. */
const field = (label: string, value: string): string => `  ${label.padEnd(14)}${oneLine(value)}`

/** A labelled value too long for one 100-column line, wrapped at spaces under its value column. */
function wrappedField(label: string, value: string): string[] {
  const lines: string[] = []
  let current = ''
  for (const word of oneLine(value).split(' ')) {
    if (current && current.length + 1 + word.length > 84) {
      lines.push(current)
      current = word
    } else current = current ? `${current} ${word}` : word
  }
  lines.push(current)
  return lines.map((line, i) => (i === 0 ? field(label, line) : field('', line)))
}

function trainedLines(t: StatusTarget): string[] {
  const run = t.trained_by
  if (!run) return [field('run', 'none')]
  const lines = [
    field('user', run.user ?? 'not recorded'),
    field('run', `${run.run_id ?? '-'}${run.run_name ? ` (${run.run_name})` : ''}`),
    field('started', run.start_time ?? 'not recorded'),
    field('source commit', run.source_commit ?? 'not recorded (mlflow.source.git.commit)')
  ]
  if (t.commit_note) lines.push(field('differs', t.commit_note))
  if (run.unavailable) lines.push(field('note', run.unavailable))
  return lines
}

function dataLines(t: StatusTarget): string[] {
  const recorded = t.data.recorded
  const lines = recorded
    ? [
        field('dvc.lock', `sha256 ${recorded.lock_sha256 || '-'}`),
        field('model md5', recorded.model_md5 || '-'),
        ...wrappedField('lineage level', t.lineage_level_text),
        field(
          'recorded by',
          `audit entry ${recorded.seq}${recorded.verified === true ? ', verified by lineage-check' : ''}`
        )
      ]
    : [field('recorded', NO_LINEAGE_RECORDED)]
  const lock = t.data.lock
  if (lock && 'unavailable' in lock) lines.push(field('at commit', lock.unavailable))
  if (lock && 'stages' in lock) {
    for (const stage of lock.stages) {
      lines.push(field(`stage`, stage.name))
      for (const dep of stage.deps) lines.push(field('  dep', `${dep.path}  ${short(dep.md5)}`))
      for (const p of stage.params)
        lines.push(
          field(
            '  params',
            shorten(
              `${p.file}: ${Object.entries(p.values)
                .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                .join(' ')}`,
              84
            )
          )
        )
      for (const out of stage.outs) lines.push(field('  out', `${out.path}  ${short(out.md5)}`))
    }
  }
  return lines
}

function approvalLines(t: StatusTarget): string[] {
  if (t.drift) return [field('nobody', 'the registry moved outside the audit trail')]
  if (t.approvals.length === 0) return [field('nobody', 'no review was required or recorded')]
  return t.approvals.map(a =>
    field(
      a.login,
      shorten(
        [
          a.state,
          a.role ? `as ${a.role}` : '',
          a.environments.length > 0 ? `in ${a.environments.join(', ')}` : '',
          a.comment ? `"${a.comment}"` : ''
        ]
          .filter(Boolean)
          .join(' '),
        84
      )
    )
  )
}

/** `status <model> <target>`: the four answers for one target, each under its own heading. */
export function statusDetail(
  model: string,
  t: StatusTarget,
  auditFile: string,
  style: Styler
): string {
  const audit = t.drift
    ? style.paint(
        field(
          'audit',
          `DRIFT: the registry holds ${t.version ?? 'nothing'}, ${auditFile} says ${t.audited_version ?? 'nothing'}`
        ),
        'red'
      )
    : style.paint(
        field(
          'audit',
          `ok: the registry agrees with ${auditFile}${t.audit_seq ? ` (entry ${t.audit_seq})` : ''}`
        ),
        'green'
      )
  const head = [
    style.paint(`${model} ${t.kind} ${t.target}`, 'bold'),
    field('version', t.version ? `${t.version}  ${t.uri}` : 'none'),
    audit,
    field('since', `${t.since ?? '-'}${t.event ? ` (${t.event} by ${t.promoted_by ?? '?'})` : ''}`),
    ...(t.reason ? [field('reason', shorten(t.reason, 84))] : []),
    ...(t.run_url ? [field('workflow run', t.run_url)] : [])
  ]
  const section = (title: string, lines: string[]): string[] => [
    '',
    style.paint(title, 'bold'),
    ...lines
  ]
  return [
    ...head,
    ...section('Trained by', trainedLines(t)),
    ...section('Data', dataLines(t)),
    ...section('Approved by', approvalLines(t)),
    ...section(
      'Reproduce',
      t.reproduce.length > 0
        ? t.reproduce.map(c => `  ${c}`)
        : ['  no commit recorded: neither the audit trail nor the run names one']
    )
  ].join('\n')
}
