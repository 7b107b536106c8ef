import { escapeCell, heading, markdownTable } from '../core/summary.js'
import { DEFAULT_MIN_LEVEL, LEVEL_WORDS, type LineageLevel } from './lineage-level.js'
import type { MlflowLinkResult } from './mlflow-link.js'
import type { ModelLink } from './model-link.js'
import type { LineageReport, StageReport } from './report-types.js'

function stageState(stage: StageReport): string {
  if (stage.neverRun) return 'never run'
  const bad = stage.entries.some(e => e.status !== 'unchanged' && e.status !== 'not-checked')
  if (stage.cmdChanged) return 'changed command'
  if (stage.checksumChanged) return 'changed checksum'
  if (bad) return 'changed'
  return stage.frozen ? 'ok (frozen: deps not checked)' : 'ok'
}

/** The `report` output: per stage, per entry, path, expected and actual hash, status. */
type MinLevel = { level: LineageLevel; source: string } | undefined

/** The level in words, with the minimum it was judged against: the summary's first lines. */
export function levelMarkdown(mlflow: MlflowLinkResult | undefined, min: MinLevel): string {
  if (!mlflow)
    return `**Lineage level 4**: ${LEVEL_WORDS[4]}; no registered version or run was named (model-name and version, or run-id), so only the workspace was checked against dvc.lock.`
  const lines = [
    `**Lineage level ${mlflow.level}**: ${LEVEL_WORDS[mlflow.level]}.`,
    min
      ? `The minimum for this promotion is level ${min.level} (${min.source})${min.level === DEFAULT_MIN_LEVEL && /default/.test(min.source) ? ", which the seed's flow (log_model inside `dvc repro`, then commit) meets" : ''}: ${mlflow.level <= min.level ? 'met' : 'NOT met'}.`
      : 'No minimum level was set for this check.',
    `Lineage commit \`${mlflow.lineageCommit || 'none'}\`; the run recorded \`${mlflow.commit ?? 'no commit'}\`${mlflow.commit && mlflow.commit !== mlflow.lineageCommit ? ' (a different commit: see the level-3 row for how they relate)' : ''}.`
  ]
  return lines.join('\n')
}

export function reportJson(
  report: LineageReport,
  model?: ModelLink,
  mlflow?: MlflowLinkResult,
  min?: MinLevel
): string {
  return JSON.stringify({
    verified: report.verified,
    level: mlflow?.level ?? 4,
    ...(min ? { minLevel: min.level } : {}),
    lineageCommit: mlflow?.lineageCommit ?? null,
    runCommit: mlflow?.commit ?? null,
    lockSha256: report.lockSha256,
    stages: report.stages.map(s => ({
      name: s.name,
      status: stageState(s),
      frozen: s.frozen,
      alwaysChanged: s.alwaysChanged,
      cmdChanged: s.cmdChanged,
      dvcStatus: s.dvcStatus,
      entries: s.entries.map(e => ({
        kind: e.kind,
        path: e.path,
        ...(e.key === undefined ? {} : { key: e.key }),
        expected: e.expected ?? null,
        actual: e.actual ?? null,
        hash: e.hash,
        status: e.status,
        ...(e.producedBy ? { producedBy: e.producedBy } : {}),
        ...(e.note ? { note: e.note } : {})
      }))
    })),
    ...(report.lockFiles ? { lockFiles: report.lockFiles } : {}),
    crossStage: report.crossStage,
    refused: report.refused,
    missing: report.missing,
    ...(model
      ? {
          model: {
            path: model.path,
            source: model.source,
            stage: model.stage ?? null,
            md5: model.md5 ?? null,
            dataSources: model.dataSources
          }
        }
      : {}),
    ...(mlflow ? { mlflow } : {}),
    problems: report.problems.map(p => p.message)
  })
}

export function summaryMarkdown(
  report: LineageReport,
  model?: ModelLink,
  mlflow?: MlflowLinkResult,
  min?: MinLevel
): string {
  const parts: string[] = [
    heading(`Lineage check: ${report.verified ? 'verified' : 'NOT verified'}`, 2),
    levelMarkdown(mlflow, min),
    `${report.lockFiles && report.lockFiles.length > 1 ? `lineage files (${report.lockFiles.length}) sha256` : 'dvc.lock sha256'} \`${report.lockSha256}\`, ${report.stages.length} stage(s) checked.`
  ]
  for (const stage of report.stages) {
    parts.push(
      heading(
        `${escapeCell(stage.name)}: ${stageState(stage)}${stage.alwaysChanged ? ' (always changed)' : ''}`,
        4
      )
    )
    const rows: unknown[][] = stage.entries.map(e => [
      e.kind,
      (e.key ? `${e.path}: ${e.key}` : e.path) + (e.producedBy ? ` (from ${e.producedBy})` : ''),
      e.expected ?? '',
      e.actual ?? '',
      e.status + (e.note ? ` (${e.note})` : '')
    ])
    if (stage.cmdChanged)
      rows.unshift([
        'cmd',
        '',
        JSON.stringify(stage.expectedCmd),
        JSON.stringify(stage.actualCmd),
        'changed command'
      ])
    parts.push(
      rows.length > 0
        ? markdownTable(['kind', 'path', 'dvc.lock', 'workspace', 'status'], rows)
        : '_no deps or outs_'
    )
  }
  const dataFiles = report.stages.filter(s => s.name.endsWith('.dvc'))
  if (dataFiles.length > 0) {
    // Which stages use each `dvc add`ed (or imported) output: the data side of the lineage.
    const users = new Map<string, Set<string>>()
    for (const s of report.stages)
      for (const e of s.entries)
        if (e.producedBy)
          users.set(e.producedBy, (users.get(e.producedBy) ?? new Set()).add(s.name))
    parts.push(heading('Data tracked by .dvc files', 4))
    parts.push(
      markdownTable(
        ['.dvc file', 'status', 'used by'],
        dataFiles.map(s => [s.name, stageState(s), [...(users.get(s.name) ?? [])].join(', ')])
      )
    )
  }
  if (report.crossStage.length > 0) {
    parts.push(heading('Cross-stage consistency (not checked by DVC)', 4))
    parts.push(
      markdownTable(
        ['stage', 'dep', 'dep md5 in lock', 'producer', 'out md5 in lock'],
        report.crossStage.map(c => [c.stage, c.dep, c.depMd5 ?? '', c.producer, c.outMd5 ?? ''])
      )
    )
  }
  if (model) {
    parts.push(heading('Model link', 4))
    const rows: unknown[][] = [
      ['model', `${model.path} (${model.source})`],
      ['stage', model.stage ?? 'none'],
      ['dvc.lock md5', model.md5 ?? ''],
      ['data sources', model.dataSources.join(', ') || 'none tracked by .dvc files']
    ]
    if (mlflow) {
      rows.push(
        ['MLflow run', mlflow.runId],
        [
          'run commit',
          `${mlflow.commit ?? 'unknown'}${mlflow.commitCheck ? ` (${mlflow.commitCheck})` : ''}`
        ]
      )
      if (mlflow.artifactCompared)
        rows.push(['artifact', `${mlflow.artifactMd5}: compared ${mlflow.artifactCompared}`])
      const mark = (ok: boolean): string => (ok ? 'reached' : 'not reached')
      rows.push(
        [`level 1 (${mark(mlflow.evidence.artifact.ok)})`, mlflow.evidence.artifact.detail],
        [`level 2 (${mark(mlflow.evidence.loggedFile.ok)})`, mlflow.evidence.loggedFile.detail],
        [`level 3 (${mark(mlflow.evidence.commit.ok)})`, mlflow.evidence.commit.detail]
      )
      if (mlflow.between)
        rows.push([
          'between the commits',
          `${mlflow.between.commits.map(c => c.slice(0, 12)).join(', ') || 'none'}; files: ${mlflow.between.files.map(f => `${f.path} (${f.why})`).join('; ') || 'none'}`
        ])
    }
    parts.push(markdownTable(['', ''], rows))
  }
  if (report.problems.length > 0) {
    parts.push(heading('Problems', 4))
    parts.push(report.problems.map(p => `- ${escapeCell(p.message)}`).join('\n'))
  }
  if (report.warnings.length > 0)
    parts.push(report.warnings.map(w => `> ${escapeCell(w)}`).join('\n'))
  return parts.join('\n\n')
}
