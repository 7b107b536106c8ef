/**
 * Values as DVC's Python sees them. YAML floats stay floats (`1.0` is not `1` when printed by
 * `${}` interpolation), so the YAML loader wraps them in PyFloat; comparison follows Python's
 * `==` (1 == 1.0 == True, dicts order-free, NaN never equal), which is what `dvc status` uses.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = unknown

function numeric(value: unknown): number | bigint | undefined {
  if (value instanceof PyFloat) return value.value
  if (typeof value === 'number' || typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

/** A YAML/JSON/TOML mapping: not a list, and not one of the scalar wrapper objects. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat) &&
    !(value instanceof Date)
  )
}

export function pyEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a)
  const nb = numeric(b)
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false
    // Mixed bigint/number: compare exactly; NaN compares unequal to everything, as in Python.
    if (typeof na === 'bigint' || typeof nb === 'bigint') {
      if (typeof na === 'number' && !Number.isInteger(na)) return false
      if (typeof nb === 'number' && !Number.isInteger(nb)) return false
      return BigInt(na) === BigInt(nb)
    }
    return na === nb
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b
  if (a === null || b === null || a === undefined || b === undefined) return a === b
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => pyEquals(item, b[i]))
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    return keys.every(key => Object.hasOwn(b, key) && pyEquals(a[key], b[key]))
  }
  return false
}

/** Python's repr() of a float: shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa = '0', expText = '0'] = x.toExponential().split('e')
  const exp = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const sign = negative ? '-' : ''
  if (exp < -4 || exp >= 16) {
    const frac = digits.slice(1)
    const expOut = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
    return `${sign}${digits[0]}${frac ? `.${frac}` : ''}e${expOut}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  const fracPart = digits.slice(exp + 1)
  return `${sign}${intPart}.${fracPart || '0'}`
}

/** Python's str() for the scalar types a params file can hold. */
export function pyStr(value: unknown): string {
  if (value instanceof PyFloat) return pythonFloatRepr(value.value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`
  }
  // Only functions and symbols are left, which no params file can hold.
  return typeof value === 'symbol' ? value.toString() : '<unrepresentable>'
}

function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  return pyStr(value)
}

/** Strips PyFloat wrappers, for JSON reports. */
export function toPlain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(toPlain)
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]))
  }
  return value
}
