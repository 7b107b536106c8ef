import yaml from 'js-yaml'
import { TomlError } from 'smol-toml'
import { ConfigurationError } from '../core/errors.js'
import { checkJsonBounds, loadYamlBounded, parseTomlBounded } from '../files/parse.js'
import { JsonSyntaxError, parseJson } from './json-lenient.js'
import type { MetricObservation } from './types.js'

export type MetricsFormat = 'json' | 'yaml' | 'toml'

/** DVC picks the loader by extension and treats anything else as YAML (dvc/utils/serialize). */
export function formatOf(file: string): MetricsFormat {
  const lower = file.toLowerCase()
  if (lower.endsWith('.json')) return 'json'
  if (lower.endsWith('.toml')) return 'toml'
  return 'yaml'
}

/** Parses a metrics file; a syntax error names the file, line and column. */
export function parseMetricsText(text: string, file: string): unknown {
  const format = formatOf(file)
  const unreadable = (reason: string, line?: number, column?: number): never => {
    const where =
      line === undefined ? file : `${file}:${line}${column === undefined ? '' : `:${column}`}`
    throw new ConfigurationError(
      `Metrics file ${where} cannot be parsed as ${format.toUpperCase()}: ${reason}; fix the file`,
      {
        location: {
          file,
          ...(line === undefined ? {} : { line }),
          ...(column === undefined ? {} : { column })
        }
      }
    )
  }
  try {
    if (format === 'json') {
      checkJsonBounds(text, file)
      return parseJson(text)
    }
    if (format === 'toml') return parseTomlBounded(text, file)
    return loadYamlBounded(text, file, yaml.DEFAULT_SCHEMA)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return unreadable(error.message, error.line, error.column)
    if (error instanceof TomlError)
      return unreadable(
        error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, ''),
        error.line,
        error.column
      )
    if (error instanceof yaml.YAMLException) {
      return unreadable(
        error.reason,
        error.mark ? error.mark.line + 1 : undefined,
        error.mark ? error.mark.column + 1 : undefined
      )
    }
    throw error
  }
}

/**
 * What DVC keeps of a metrics file (dvc/repo/metrics/show.py `_extract_metrics`): numbers,
 * strings and booleans (a Python bool is an int); lists, nulls and empty mappings are dropped.
 */
function extract(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return value
  if (typeof value === 'bigint') return Number(value)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  // Dates (YAML timestamps, TOML datetimes) are objects with no own keys: dropped, as in DVC.
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const kept = extract(child)
    if (kept === undefined) continue
    if (typeof kept === 'object' && kept !== null && Object.keys(kept).length === 0) continue
    Object.defineProperty(out, key, {
      value: kept,
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/**
 * Flattens nested keys with '.', as `dvc metrics show` does (flatten_dict, reducer "dot"), so
 * `train.accuracy` means the same here as there.
 */
export function flattenMetrics(
  data: unknown
): { name: string; value: number | string | boolean; keyPath: string[] }[] {
  const out: { name: string; value: number | string | boolean; keyPath: string[] }[] = []
  const walk = (node: unknown, keyPath: string[]): void => {
    if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) walk(child, [...keyPath, key])
    } else if (keyPath.length > 0) {
      out.push({ name: keyPath.join('.'), value: node as number | string | boolean, keyPath })
    }
  }
  walk(extract(data), [])
  return out
}

/** Reads one metrics file's text into observations. */
export function metricsFromText(text: string, file: string): MetricObservation[] {
  const data = parseMetricsText(text, file)
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw new ConfigurationError(
      `Metrics file ${file} holds a ${Array.isArray(data) ? 'list' : typeof data}, not a mapping of metric names to values; write e.g. {"accuracy": 0.9}`,
      { location: { file, line: 1 } }
    )
  }
  return flattenMetrics(data).map(m => ({
    name: m.name,
    value: m.value,
    keyPath: m.keyPath,
    source: { kind: 'file', label: file, file }
  }))
}
