import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { locateMetricLine } from '../../../src/gate/locate-metric.js'
import { flattenMetrics, metricsFromText } from '../../../src/gate/metrics-file.js'
import { parseJson } from '../../../src/gate/json-lenient.js'

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

describe('flattenMetrics (what dvc metrics show keeps)', () => {
  it('joins nested keys with dots and drops lists, nulls and empty mappings', () => {
    const flat = flattenMetrics({
      train: { acc: 0.9, hist: [1, 2], per: [{ a: 1 }], n: null, e: {}, flag: true, s: '0.5' },
      top: 3,
      only: { list: [1] }
    })
    expect(Object.fromEntries(flat.map(m => [m.name, m.value]))).toEqual({
      'train.acc': 0.9,
      'train.flag': true,
      'train.s': '0.5',
      top: 3
    })
    expect(flat.find(m => m.name === 'train.acc')?.keyPath).toEqual(['train', 'acc'])
  })

  it('reads JSON, YAML and TOML the same way', () => {
    const json = metricsFromText('{"a": {"b": 1}, "c": 2.5}', 'm.json')
    const yaml = metricsFromText('a:\n  b: 1\nc: 2.5\n', 'm.yaml')
    const toml = metricsFromText('c = 2.5\n[a]\nb = 1\n', 'm.toml')
    const values = (list: typeof json) => Object.fromEntries(list.map(m => [m.name, m.value]))
    expect(values(json)).toEqual({ 'a.b': 1, c: 2.5 })
    expect(values(yaml)).toEqual(values(json))
    expect(values(toml)).toEqual(values(json))
    expect(json[0]!.source).toEqual({ kind: 'file', label: 'm.json', file: 'm.json' })
  })

  it("reads the NaN and Infinity that Python's json.dump writes, so the gate can name them", () => {
    expect(parseJson('{"a": NaN, "b": -Infinity, "c": [Infinity]}')).toEqual({
      a: Number.NaN,
      b: -Infinity,
      c: [Infinity]
    })
  })

  it.each([
    ['m.json', '{\n  "acc": 0.9,\n  "loss": }\n', 'm.json:3:11', 'JSON'],
    ['m.yaml', 'acc: 0.9\nloss: [1, 2\n', 'm.yaml:3', 'YAML'],
    ['m.toml', 'acc = 0.9\nloss = = 2\n', 'm.toml:2', 'TOML']
  ])('names %s, its line and the parse error when unreadable', (file, text, where, format) => {
    const error = errorOf(() => metricsFromText(text, file))
    expect(error.message).toContain(`Metrics file ${where}`)
    expect(error.message).toContain(`cannot be parsed as ${format}`)
    expect(error.location?.file).toBe(file)
    expect(error.location?.line).toBe(Number(where.split(':')[1]))
  })

  it('refuses a file that is not a mapping', () => {
    expect(errorOf(() => metricsFromText('[0.9]', 'm.json')).message).toContain('holds a list')
  })
})

describe('locateMetricLine', () => {
  it('finds nested keys in JSON, YAML and TOML', () => {
    const json = '{\n  "eval": {\n    "loss": 1,\n    "acc": 0.9\n  },\n  "acc": 2\n}\n'
    expect(locateMetricLine(json, 'm.json', ['eval', 'acc'])).toBe(4)
    expect(locateMetricLine(json, 'm.json', ['acc'])).toBe(4)
    const yaml = 'train:\n  acc: 1\neval:\n  loss: 2\n  acc: 0.9\n'
    expect(locateMetricLine(yaml, 'm.yaml', ['eval', 'acc'])).toBe(5)
    const toml = 'acc = 1\n[eval]\nloss = 2\nacc = 0.9\n[eval.sub]\nx = 1\n'
    expect(locateMetricLine(toml, 'm.toml', ['eval', 'acc'])).toBe(4)
    expect(locateMetricLine(toml, 'm.toml', ['eval', 'sub', 'x'])).toBe(6)
    expect(locateMetricLine(toml, 'm.toml', ['acc'])).toBe(1)
    expect(locateMetricLine('eval.acc = 3\n', 'm.toml', ['eval', 'acc'])).toBe(1)
  })
})
