import { problemWith, type Subject, type SourceLocation } from '../core/errors.js'
import { OPERATORS, type Operator, type Rule } from './types.js'

/** Where a block of rule lines came from, so an error can point at the exact line and column. */
export interface RuleSource {
  /** The field `thresholds`, or the text "Policy file x.yml, stage 'Production' gates". */
  subject: Subject
  /** Short origin stored on each rule for the report. */
  origin(line: number): string
  /** The file position of a rule line, when it lives in a file. */
  location?(line: number): SourceLocation | undefined
}

const BARE_NAME = /[A-Za-z0-9_\-./:]/
/** Quoted names may hold spaces too, as MLflow allows; nothing else widens. */
const QUOTED_NAME = /[A-Za-z0-9_\-./: ]/
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/
const HINT = "write rules as '<metric> <op> <number>', e.g. 'accuracy >= 0.9'"

/**
 * Parses rule lines with a small hand-written scanner (never eval): each line is blank, a comment,
 * or `<metric> <op> <number>` with an optional trailing `# comment`.
 */
export function parseRules(text: string, source: RuleSource): Rule[] {
  const rules: Rule[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const rule = parseRuleLine(line, index + 1, source)
    if (rule) rules.push(rule)
  })
  return rules
}

/** Parses the lines of a list (the policy's `gates`): entry i is line i+1 of the source. */
export function parseRuleList(lines: string[], source: RuleSource): Rule[] {
  return lines.flatMap((line, index) => {
    if (/[\r\n]/.test(line)) return parseRules(line, source)
    const rule = parseRuleLine(line, index + 1, source)
    return rule ? [rule] : []
  })
}

function parseRuleLine(line: string, lineNo: number, source: RuleSource): Rule | undefined {
  let pos = 0
  const fail = (column: number, problem: string): never => {
    const location = source.location?.(lineNo)
    throw problemWith(
      source.subject,
      `line ${lineNo}, column ${column}: ${problem}; ${HINT}`,
      location ? { location: { ...location, column } } : {}
    )
  }
  const skipSpaces = (): void => {
    while (pos < line.length && (line[pos] === ' ' || line[pos] === '\t')) pos++
  }
  skipSpaces()
  if (pos >= line.length || line[pos] === '#') return undefined

  let metric: string
  const quote = line[pos]
  if (quote === '"' || quote === "'") {
    const start = ++pos
    while (pos < line.length && line[pos] !== quote) {
      if (!QUOTED_NAME.test(line[pos]!)) {
        fail(
          pos + 1,
          `metric names may hold letters, digits, _ - . / : and spaces, not '${line[pos]}'`
        )
      }
      pos++
    }
    if (pos >= line.length) fail(start, `the quoted metric name has no closing ${quote}`)
    metric = line.slice(start, pos)
    pos++
    if (metric.trim() === '') fail(start, 'the quoted metric name is empty')
  } else {
    const start = pos
    while (pos < line.length && BARE_NAME.test(line[pos]!)) pos++
    if (pos === start) fail(pos + 1, `expected a metric name, found '${line[pos]}'`)
    metric = line.slice(start, pos)
  }

  skipSpaces()
  const opColumn = pos + 1
  const op = OPERATORS.find(candidate => line.startsWith(candidate, pos))
  if (!op) {
    const found = pos < line.length ? `'${line.slice(pos, pos + 2)}'` : 'the end of the line'
    const extra =
      line[pos] === '=' && line[pos + 1] !== '=' ? " ('=' alone is not an operator; use '==')" : ''
    fail(
      opColumn,
      `expected an operator (>=, >, <=, <, ==, !=) after '${metric}', found ${found}${extra}`
    )
  }
  pos += op!.length
  if (line[pos] === '=' || line[pos] === '<' || line[pos] === '>')
    fail(opColumn, `'${op}${line[pos]}' is not an operator`)

  skipSpaces()
  const numberColumn = pos + 1
  const match = NUMBER.exec(line.slice(pos))
  if (!match) {
    const found =
      pos < line.length ? `'${line.slice(pos).split(/[\s#]/)[0]}'` : 'the end of the line'
    fail(numberColumn, `expected a number after '${metric} ${op}', found ${found}`)
  }
  const numberText = match![0]
  const value = Number(numberText)
  if (!Number.isFinite(value)) fail(numberColumn, `${numberText} is out of range for a threshold`)
  pos += numberText.length
  if (pos < line.length && /[A-Za-z0-9_.%]/.test(line[pos]!)) {
    fail(pos + 1, `unexpected '${line[pos]}' in the number ${numberText}${line[pos]}`)
  }
  skipSpaces()
  if (pos < line.length && line[pos] !== '#') {
    fail(
      pos + 1,
      `unexpected '${line.slice(pos).trimEnd()}' after the rule (one rule per line; '#' starts a comment)`
    )
  }
  const name = /^[A-Za-z0-9_\-./:]+$/.test(metric) ? metric : JSON.stringify(metric)
  return {
    metric,
    op: op!,
    value,
    text: `${name} ${op} ${numberText}`,
    origin: source.origin(lineNo)
  }
}

/** The direction a threshold implies: `>=`/`>` mean greater is better, `<=`/`<` the opposite. */
export function impliedDirection(op: Operator): boolean | undefined {
  if (op === '>=' || op === '>') return true
  if (op === '<=' || op === '<') return false
  return undefined
}
