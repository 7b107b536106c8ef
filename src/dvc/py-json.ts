import { pyJsonString } from './manifest.js'
import { isMapping, PyFloat, pyStr } from './pyvalue.js'

/**
 * Python's `json.dumps(value, sort_keys=True)` (default separators, ensure_ascii): the bytes
 * DVC hashes for a stage's md5 (`dvc.utils.dict_md5`). Keys sort by code point, as Python's do.
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (typeof value === 'string') return pyJsonString(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  if (typeof value === 'number' || value instanceof PyFloat) {
    const x = typeof value === 'number' ? value : value.value
    if (Number.isNaN(x)) return 'NaN'
    if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'
    return pyStr(new PyFloat(x))
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`
  if (isMapping(value)) {
    const keys = Object.keys(value).sort((a, b) =>
      Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
    )
    return `{${keys.map(k => `${pyJsonString(k)}: ${pyJsonDumps(value[k])}`).join(', ')}}`
  }
  return pyJsonString(typeof value === 'symbol' ? value.toString() : 'unrepresentable')
}
