import { ConfigurationError, type SourceLocation } from '../core/errors.js'
import { parseJsonBounded, parseTomlBounded } from '../files/parse.js'
import type { AcceptedPath } from '../files/paths.js'
import { readRequiredSync } from '../files/read.js'
import { isMapping } from './interpolate.js'
import { pyEquals } from './pyvalue.js'
import { parseYaml } from './yaml-file.js'

/**
 * Loads a params (or vars) file the guard accepted, the way DVC picks its loader: by extension,
 * YAML for anything else. Read and parsed within the caps of src/files.
 */
export function loadParamsFile(
  safe: AcceptedPath,
  display: string,
  location?: SourceLocation
): unknown {
  const text = readRequiredSync(safe, {
    display,
    ...(location ? { location } : {}),
    missing: `${location ? `${location.file}${location.line ? `:${location.line}` : ''}: ` : ''}${display} does not exist; create it or remove it from dvc.yaml`
  }).toString('utf8')
  const lower = safe.abs.toLowerCase()
  if (lower.endsWith('.json')) {
    try {
      return parseJsonBounded(text, display)
    } catch (error) {
      if (error instanceof ConfigurationError) throw error
      throw new ConfigurationError(
        `${display} is not valid JSON (${(error as Error).message}); fix the file`,
        {
          location: { file: display }
        }
      )
    }
  }
  if (lower.endsWith('.toml')) {
    try {
      return parseTomlBounded(text, display)
    } catch (error) {
      if (error instanceof ConfigurationError) throw error
      const line = (error as { line?: number }).line
      throw new ConfigurationError(
        `${display}${line ? `:${line}` : ''} is not valid TOML; fix the file`,
        {
          location: { file: display, ...(line ? { line } : {}) }
        }
      )
    }
  }
  if (lower.endsWith('.py')) {
    throw new ConfigurationError(
      `${display}: Python params files are not supported by lineage-check; use YAML, JSON or TOML`,
      {
        location: { file: display }
      }
    )
  }
  return parseYaml(text, display) ?? {}
}

/** dpath.get(config, key, separator='.'): undefined when any part is absent. */
export function getParam(config: unknown, key: string): { found: boolean; value?: unknown } {
  let current = config
  for (const part of key.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(part) && Number(part) < current.length)
      current = current[Number(part)]
    else if (isMapping(current) && Object.hasOwn(current, part)) current = current[part]
    else return { found: false }
  }
  return { found: true, value: current }
}

export type ParamStatus = 'deleted' | 'new' | 'modified'

export interface ParamCheck {
  key: string
  expected?: unknown
  actual?: unknown
  status: ParamStatus | 'unchanged'
}

/**
 * One params file of one stage, as ParamsDependency.workspace_status compares it. `keys` empty
 * means the whole file is tracked; `lockValues` undefined means the lock has no entry for the file.
 */
export function compareParams(
  keys: string[],
  lockValues: Record<string, unknown> | undefined,
  config: unknown
): ParamCheck[] {
  const actual: Record<string, unknown> = {}
  if (keys.length === 0) {
    if (isMapping(config)) Object.assign(actual, config)
  } else {
    for (const key of keys) {
      const got = getParam(config, key)
      if (got.found) actual[key] = got.value
    }
  }
  const info = lockValues ?? {}
  const order =
    keys.length > 0 ? keys : [...new Set([...Object.keys(actual), ...Object.keys(info)])]
  return order.map(key => {
    const has = Object.hasOwn(actual, key)
    const locked = Object.hasOwn(info, key)
    const check: ParamCheck = { key, status: 'unchanged' }
    if (locked) check.expected = info[key]
    if (has) check.actual = actual[key]
    if (!has) check.status = 'deleted'
    else if (!locked) check.status = 'new'
    else if (!pyEquals(actual[key], info[key])) check.status = 'modified'
    return check
  })
}
