import type { RegistrationResult } from './types.js'

const cell = (value: string): string => value.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The registration part of the job summary: what was registered (or found) and its lineage tags. */
export function registrationSummary(result: RegistrationResult): string {
  const heading = result.registered
    ? `### Registered '${cell(result.model)}' version ${result.version}`
    : `### '${cell(result.model)}' version ${result.version} was already registered from this source`
  const rows: [string, string][] = [
    ['source', result.source],
    ['run', result.runId || '(none)'],
    ...(result.modelId ? [['logged model', result.modelId] as [string, string]] : []),
    ['status', result.status],
    ['registered model created', result.createdModel ? 'yes' : 'no'],
    ...Object.entries(result.tags)
  ]
  const table = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${cell(k)} | \`${cell(v)}\` |`)
  ].join('\n')
  return `${heading}\n\n${table}\n`
}
