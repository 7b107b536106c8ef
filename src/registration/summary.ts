import { code, escapeText } from '../core/summary.js'
import type { RegistrationResult } from './types.js'

/** Names and tags come from the user and the registry: data, escaped (core/summary.ts). */
const cell = escapeText

/** The registration part of the job summary: what was registered (or found) and its lineage tags. */
export function registrationSummary(result: RegistrationResult): string {
  const heading = result.registered
    ? `### Registered '${cell(result.model)}' version ${cell(result.version)}`
    : result.version
      ? `### '${cell(result.model)}' version ${cell(result.version)} was already registered from this source`
      : `### Dry run: would register a new version of '${cell(result.model)}'`
  const rows: [string, string][] = [
    ['source', result.source],
    ['run', result.runId || '(none)'],
    ...(result.modelId ? [['logged model', result.modelId] as [string, string]] : []),
    ['status', result.status || '(not registered)'],
    ['registered model created', result.createdModel ? 'yes' : 'no'],
    ...Object.entries(result.tags)
  ]
  const table = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${cell(k)} | ${code(v, true)} |`)
  ].join('\n')
  return `${heading}\n\n${table}\n`
}
