import { ConfigurationError, FieldError } from '../core/errors.js'
import type { MetricObservation, MetricSource, MetricTable } from './types.js'

/** `prefer` names a source: `mlflow` (run or logged model), `files`, or one metrics file's path. */
export function parsePrefer(text: string | undefined, files: string[]): string[] {
  if (!text) return []
  const names = text
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
  for (const name of names) {
    if (name !== 'mlflow' && name !== 'files' && !files.includes(name)) {
      throw new FieldError(
        'prefer',
        `names '${name}', which is not a source; use mlflow, files or one of the metrics files (${files.join(', ') || 'none given'})`
      )
    }
  }
  return names
}

function rank(source: MetricSource, prefer: string[]): number {
  const index = prefer.findIndex(name =>
    name === 'mlflow'
      ? source.kind !== 'file'
      : name === 'files'
        ? source.kind === 'file'
        : name === source.file
  )
  return index === -1 ? Number.POSITIVE_INFINITY : index
}

const same = (a: unknown, b: unknown): boolean => Object.is(a, b) || a === b

/**
 * One value per metric. Sources that agree are fine; a metric that the rules need and that two
 * sources report with different values is a configuration error unless `prefer` settles it.
 */
export function combineSources(
  observations: MetricObservation[],
  prefer: string[],
  needed: Set<string>
): MetricTable {
  const groups = new Map<string, MetricObservation[]>()
  for (const o of observations) groups.set(o.name, [...(groups.get(o.name) ?? []), o])
  const table: MetricTable = new Map()
  for (const [name, group] of groups) {
    const first = group[0]!
    const conflicting = group.filter(o => !same(o.value, first.value))
    if (conflicting.length === 0) {
      table.set(
        name,
        group.length > 1
          ? {
              ...first,
              note: joinNotes(
                first.note,
                `same value in ${group
                  .slice(1)
                  .map(o => o.source.label)
                  .join(', ')}`
              )
            }
          : first
      )
      continue
    }
    const ranked = [...group].sort((a, b) => rank(a.source, prefer) - rank(b.source, prefer))
    const best = ranked[0]!
    const listing = group.map(o => `${o.source.label} = ${String(o.value)}`).join(', ')
    if (rank(best.source, prefer) === Number.POSITIVE_INFINITY) {
      if (!needed.has(name)) {
        table.set(name, first)
        continue
      }
      throw new ConfigurationError(
        `Metric '${name}' has different values in its sources (${listing}); set 'prefer' to the source to trust (mlflow, files or a file path)`
      )
    }
    const others = group.filter(o => o !== best).map(o => `${o.source.label} = ${String(o.value)}`)
    table.set(name, { ...best, note: joinNotes(best.note, `preferred over ${others.join(', ')}`) })
  }
  return table
}

function joinNotes(...notes: (string | undefined)[]): string {
  return notes.filter(Boolean).join('; ')
}
