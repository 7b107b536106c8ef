/**
 * A small JSON reader for metrics files. JSON.parse cannot read what Python's json.dump writes
 * for non-finite floats (NaN, Infinity, -Infinity), which DVC reads fine, and on Node 20+ its
 * errors carry no position. This reader accepts those three tokens and reports line and column.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number
  ) {
    super(message)
  }
}

export function parseJson(text: string): unknown {
  let pos = 0
  const fail = (message: string, at = pos): never => {
    const before = text.slice(0, at).split('\n')
    throw new JsonSyntaxError(message, before.length, (before[before.length - 1]?.length ?? 0) + 1)
  }
  const describe = (): string => (pos < text.length ? `'${text[pos]}'` : 'the end of the file')
  const spaces = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++
  }
  const literal = (word: string, value: unknown): unknown => {
    if (!text.startsWith(word, pos)) fail(`unexpected ${describe()}`)
    pos += word.length
    return value
  }
  const string = (): string => {
    const start = pos++
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') pos++
      else if (text.charCodeAt(pos) < 0x20) fail('control character in a string')
      pos++
    }
    if (pos >= text.length) fail('unterminated string', start)
    pos++
    try {
      return JSON.parse(text.slice(start, pos)) as string
    } catch {
      return fail('invalid escape in a string', start)
    }
  }
  const value = (): unknown => {
    spaces()
    const c = text[pos]
    if (c === '{') {
      pos++
      const out: Record<string, unknown> = {}
      spaces()
      if (text[pos] === '}') return (pos++, out)
      for (;;) {
        spaces()
        if (text[pos] !== '"') fail(`expected a quoted key, found ${describe()}`)
        const key = string()
        spaces()
        if (text[pos] !== ':') fail(`expected ':' after key "${key}", found ${describe()}`)
        pos++
        Object.defineProperty(out, key, {
          value: value(),
          enumerable: true,
          writable: true,
          configurable: true
        })
        spaces()
        if (text[pos] === ',') pos++
        else if (text[pos] === '}') return (pos++, out)
        else fail(`expected ',' or '}', found ${describe()}`)
      }
    }
    if (c === '[') {
      pos++
      const out: unknown[] = []
      spaces()
      if (text[pos] === ']') return (pos++, out)
      for (;;) {
        out.push(value())
        spaces()
        if (text[pos] === ',') pos++
        else if (text[pos] === ']') return (pos++, out)
        else fail(`expected ',' or ']', found ${describe()}`)
      }
    }
    if (c === '"') return string()
    if (c === 't') return literal('true', true)
    if (c === 'f') return literal('false', false)
    if (c === 'n') return literal('null', null)
    if (c === 'N') return literal('NaN', Number.NaN)
    if (c === 'I') return literal('Infinity', Number.POSITIVE_INFINITY)
    if (c === '-' && text.startsWith('-Infinity', pos))
      return literal('-Infinity', Number.NEGATIVE_INFINITY)
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400))
    if (!match) return fail(`unexpected ${describe()}`)
    pos += match[0].length
    return Number(match[0])
  }
  const result = value()
  spaces()
  if (pos < text.length) fail(`unexpected ${describe()} after the JSON value`)
  return result
}
