import { isMapping, pyStr } from './pyvalue.js'

/**
 * `${}` interpolation as dvc/parsing/interpolate.py does it. A value that is exactly one
 * `${x}` keeps its type; inside a longer string, values print through DVC's to_str (Python
 * str(), booleans as true/false, dicts as `--key value` flags). `\${` escapes.
 */
const KEY = /(?<!\\)\$\{(.*?)\}/g

export class InterpolationError extends Error {}

export function lookup(context: Record<string, unknown>, expr: string): unknown {
  const key = expr.trim().replace(/\[/g, '.').replace(/\]/g, '')
  let current: unknown = context
  for (const part of key.split('.')) {
    if (Array.isArray(current) && /^-?\d+$/.test(part)) current = current.at(Number(part))
    else if (isMapping(current) && Object.hasOwn(current, part)) current = current[part]
    else throw new InterpolationError(`Could not find '${expr.trim()}'`)
    if (current === undefined) throw new InterpolationError(`Could not find '${expr.trim()}'`)
  }
  return current
}

function shellQuote(value: string): string {
  if (value === '') return "''"
  if (/^[\w@%+=:,./-]+$/.test(value)) return value
  return `'${value.replace(/'/g, `'"'"'`)}'`
}

function flatten(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = []
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (isMapping(v)) out.push(...flatten(v, key))
    else out.push([key, v])
  }
  return out
}

/** DVC's to_str (default config: booleans store_true, lists nargs). */
export function dvcToStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (isMapping(value)) {
    let result = ''
    for (const [k, v] of flatten(value)) {
      if (typeof v === 'boolean') {
        if (v) result += `--${k} `
      } else if (typeof v === 'string') result += `--${k} ${shellQuote(v)} `
      else if (Array.isArray(v)) {
        v.forEach((item, n) => {
          if (Array.isArray(item) || isMapping(item))
            throw new InterpolationError(`Cannot interpolate nested iterable in '${k}'`)
          const text = typeof item === 'string' ? shellQuote(item) : pyStr(item)
          result += n > 0 ? `${text} ` : `--${k} ${text} `
        })
      } else result += `--${k} ${pyStr(v)} `
    }
    return result.trimEnd()
  }
  return pyStr(value)
}

export function interpolateString(template: string, context: Record<string, unknown>): unknown {
  const matches = [...template.matchAll(KEY)]
  if (matches.length === 0) return template.replace(/\\\$\{/g, '${')
  if (matches.length === 1 && matches[0]![0] === template) return lookup(context, matches[0]![1]!)
  const text = template.replace(KEY, (_, expr: string) => {
    const value = lookup(context, expr)
    if (Array.isArray(value))
      throw new InterpolationError(`Cannot interpolate data of type 'list' in '${template}'`)
    return dvcToStr(value)
  })
  return text.replace(/\\\$\{/g, '${')
}

/**
 * Interpolates every string inside a value, mapping keys included, as dvc/parsing's recurse
 * does: `outs: [{'out/${x}.json': {cache: false}}]` names the resolved path.
 */
export function interpolateValue(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') return interpolateString(value, context)
  if (Array.isArray(value)) return value.map(item => interpolateValue(item, context))
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const key = k.includes('${') ? interpolateString(k, context) : k
        return [typeof key === 'string' ? key : dvcToStr(key), interpolateValue(v, context)]
      })
    )
  }
  return value
}

export { isMapping } from './pyvalue.js'
