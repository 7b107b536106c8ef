// A small evaluator for the `${{ }}` expressions the approval workflow uses, with GitHub's
// semantics: missing properties are null, `||`/`&&` return an operand, `==` compares strings
// case-insensitively, null interpolates as ''. It exists so the demo and the workflow-level test
// wire each step exactly as model-approval.yml does, instead of repeating the wiring by hand.

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|(==|!=|&&|\|\||[!().,<>]=?)|([A-Za-z_][\w-]*))/y

function tokenize(text) {
  const tokens = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break
    const at = TOKEN.lastIndex
    const m = TOKEN.exec(text)
    if (!m) throw new Error(`Cannot parse expression '${text}' at ${at}`)
    if (m[1] !== undefined) tokens.push({ kind: 'value', value: Number(m[1]) })
    else if (m[2] !== undefined) tokens.push({ kind: 'value', value: m[2].replace(/''/g, "'") })
    else if (m[3] !== undefined) tokens.push({ kind: 'op', value: m[3] })
    else tokens.push({ kind: 'name', value: m[4] })
  }
  return tokens
}

const truthy = v =>
  !(v === null || v === undefined || v === false || v === 0 || v === '' || Number.isNaN(v))

function looseEqual(a, b) {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  if (
    typeof a === 'boolean' ||
    typeof b === 'boolean' ||
    typeof a === 'number' ||
    typeof b === 'number'
  ) {
    const num = v =>
      v === null || v === undefined
        ? 0
        : typeof v === 'boolean'
          ? Number(v)
          : v === ''
            ? 0
            : Number(v)
    return num(a) === num(b)
  }
  return (a ?? null) === (b ?? null)
}

/** Evaluates one expression (the text between `${{` and `}}`) against a context object. */
export function evaluate(text, context, functions = {}) {
  const tokens = tokenize(text)
  let i = 0
  const peek = () => tokens[i]
  const take = value => {
    const t = tokens[i]
    if (!t || (value !== undefined && t.value !== value))
      throw new Error(`Expected '${value}' in expression '${text}'`)
    i++
    return t
  }
  const primary = () => {
    const t = take()
    if (t.kind === 'value') return t.value
    if (t.kind === 'op' && t.value === '(') {
      const v = or()
      take(')')
      return v
    }
    if (t.kind === 'op' && t.value === '!') return !truthy(primary())
    if (t.kind !== 'name') throw new Error(`Unexpected '${t.value}' in expression '${text}'`)
    if (t.value === 'true' || t.value === 'false') return t.value === 'true'
    if (t.value === 'null') return null
    if (peek()?.value === '(') {
      take('(')
      const args = []
      while (peek()?.value !== ')') {
        args.push(or())
        if (peek()?.value === ',') take(',')
      }
      take(')')
      const fn = functions[t.value]
      if (!fn) throw new Error(`Unknown function ${t.value}() in expression '${text}'`)
      return fn(...args)
    }
    let value = context[t.value] ?? null
    while (peek()?.value === '.') {
      take('.')
      const key = take().value
      value = value && typeof value === 'object' ? (value[key] ?? null) : null
    }
    return value
  }
  const comparison = () => {
    let left = primary()
    while (peek()?.value === '==' || peek()?.value === '!=') {
      const op = take().value
      const right = primary()
      left = op === '==' ? looseEqual(left, right) : !looseEqual(left, right)
    }
    return left
  }
  const and = () => {
    let left = comparison()
    while (peek()?.value === '&&') {
      take('&&')
      const right = comparison()
      left = truthy(left) ? right : left
    }
    return left
  }
  const or = () => {
    let left = and()
    while (peek()?.value === '||') {
      take('||')
      const right = and()
      left = truthy(left) ? left : right
    }
    return left
  }
  const value = or()
  if (i !== tokens.length)
    throw new Error(`Unexpected '${tokens[i].value}' in expression '${text}'`)
  return value
}

const asString = v =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)

/** Replaces every `${{ }}` in a with:/env: value; a value that is one whole expression keeps its type. */
export function interpolate(value, context, functions = {}) {
  if (typeof value !== 'string') return value
  const whole = /^\s*\$\{\{(.*?)\}\}\s*$/s.exec(value)
  if (whole) return evaluate(whole[1], context, functions)
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_, expr) =>
    asString(evaluate(expr, context, functions))
  )
}

/** A step's or job's `if:`, with or without the `${{ }}` around it. */
export function condition(text, context, functions) {
  if (text === undefined || text === null) return undefined
  if (typeof text === 'boolean') return text
  const bare = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text)?.[1] ?? text
  return truthy(evaluate(bare, context, functions))
}

export { truthy, asString }
