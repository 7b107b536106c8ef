import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { ConfigurationError } from '../../../src/core/errors.js'
import { impliedDirection, parseRules, type RuleSource } from '../../../src/gate/rules.js'
import { OPERATORS } from '../../../src/gate/types.js'

const source: RuleSource = {
  subject: { field: 'thresholds' },
  origin: line => `thresholds line ${line}`
}
const parse = (text: string) => parseRules(text, source)

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

describe('parseRules', () => {
  it('reads every operator, comments, blank lines and MLflow metric characters', () => {
    const rules = parse(
      [
        '# release gate',
        '',
        'accuracy >= 0.9   # headline metric',
        'val/loss<0.25',
        'eval:f1 > .5',
        'train.n-errors <= 3e2',
        "'top 5 accuracy' == 1",
        '  "p99 latency ms" != -1.5E-3'
      ].join('\n')
    )
    expect(rules.map(r => [r.metric, r.op, r.value, r.origin])).toEqual([
      ['accuracy', '>=', 0.9, 'thresholds line 3'],
      ['val/loss', '<', 0.25, 'thresholds line 4'],
      ['eval:f1', '>', 0.5, 'thresholds line 5'],
      ['train.n-errors', '<=', 300, 'thresholds line 6'],
      ['top 5 accuracy', '==', 1, 'thresholds line 7'],
      ['p99 latency ms', '!=', -0.0015, 'thresholds line 8']
    ])
    expect(rules[4]!.text).toBe('"top 5 accuracy" == 1')
  })

  it.each([
    ['accuracy = 0.9', 1, 10, "'=' alone is not an operator; use '=='"],
    ['accuracy => 0.9', 1, 10, 'expected an operator'],
    ['accuracy >= high', 1, 13, "expected a number after 'accuracy >=', found 'high'"],
    ['accuracy >= 0.9 extra', 1, 17, "unexpected 'extra' after the rule"],
    ['a >= 1\n\n  loss <>  2', 3, 8, "'<>' is not an operator"],
    ['"top 5', 1, 1, 'has no closing "'],
    ['"top 5 >= 1', 1, 8, "not '>'"],
    ['"a;b" >= 1', 1, 3, "not ';'"],
    ['>= 1', 1, 1, "expected a metric name, found '>'"],
    ['acc >= 1e999', 1, 8, 'out of range'],
    ['acc >= 90%', 1, 10, "unexpected '%'"],
    ['acc >=', 1, 7, 'found the end of the line']
  ])('rejects %j at line %i column %i', (text, line, column, message) => {
    const error = errorOf(() => parse(text))
    expect(error.message).toContain(`'thresholds' line ${line}, column ${column}: `)
    expect(error.message).toContain(message)
  })

  it('points policy gate errors at the file line', () => {
    const error = errorOf(() =>
      parseRules('ok >= 1\nbad ~ 1', {
        ...source,
        subject: { text: 'Policy file p.yml' },
        location: () => ({ file: 'p.yml', line: 12 })
      })
    )
    expect(error.location).toEqual({ file: 'p.yml', line: 12, column: 5 })
  })

  it('infers the direction from the operator only where it has one', () => {
    expect(OPERATORS.map(impliedDirection)).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined
    ])
  })
})

describe('parseRules (property)', () => {
  const alphabet = 'ab_-./: \t#"\'<>=!0123456789.eE+-%x\n'.split('')
  it('never crashes with anything but a ConfigurationError on 10,000 generated strings', () => {
    const noisy = fc.oneof(
      fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(...'abc._-/: "\''.split('')), maxLength: 10 }),
          fc.constantFrom(...OPERATORS, '=', '=>', '<>', ''),
          fc.string({ unit: fc.constantFrom(...'0123456789.eE+-x% '.split('')), maxLength: 10 })
        )
        .map(([m, op, n]) => `${m} ${op} ${n}`)
    )
    let parsed = 0
    fc.assert(
      fc.property(noisy, text => {
        try {
          parsed += parse(text).length
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw error
          expect(error.message).toMatch(/line \d+, column \d+: /)
        }
      }),
      { numRuns: 10_000 }
    )
    // the generator must reach the success path too, or the property says little
    expect(parsed).toBeGreaterThan(100)
  })

  it('reads back every well-formed rule it is given', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_\-./:]{1,20}$/)
    // String(-0) is '0', so -0 cannot round-trip through text; it is the same threshold anyway
    const value = fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map(v => (Object.is(v, -0) ? 0 : v))
    fc.assert(
      fc.property(
        name,
        fc.constantFrom(...OPERATORS),
        value,
        fc.boolean(),
        (metric, op, v, spaced) => {
          const [rule] = parse(
            spaced ? `  ${metric}  ${op}  ${String(v)}  # c` : `${metric}${op}${String(v)}`
          )
          expect(rule).toMatchObject({ metric, op, value: v })
        }
      ),
      { numRuns: 1000 }
    )
  })
})
