import { describe, expect, it } from '@jest/globals'
import yaml from 'js-yaml'
import fc from 'fast-check'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { parseYaml } from '../../../src/dvc/yaml-file.js'
import {
  checkJsonBounds,
  loadYamlBounded,
  MAX_DEPTH,
  parseJsonBounded,
  parseTomlBounded
} from '../../../src/files/parse.js'
import { MAX_FILE_BYTES } from '../../../src/files/read.js'
import { parseMetricsText } from '../../../src/gate/metrics-file.js'
import { parsePolicy } from '../../../src/policy/loader.js'
import { billionLaughs } from '../../harness/bombs.js'

/** Runs `work`, and says how long it took and how much the heap grew meanwhile. */
function measured(work: () => void): { ms: number; heapMb: number } {
  const before = process.memoryUsage().heapUsed
  const started = performance.now()
  work()
  return {
    ms: performance.now() - started,
    heapMb: (process.memoryUsage().heapUsed - before) / 1e6
  }
}

function configError(work: () => unknown): ConfigurationError {
  try {
    work()
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

const DEFAULT = yaml.DEFAULT_SCHEMA

describe('YAML alias expansion cap', () => {
  it('refuses a billion-laughs document at the line where it explodes, quickly and with bounded memory', () => {
    const text = billionLaughs()
    expect(text.length).toBeLessThan(520)
    let error: ConfigurationError | undefined
    const cost = measured(
      () => (error = configError(() => loadYamlBounded(text, 'params.yaml', DEFAULT)))
    )
    expect(error!.message).toMatch(/^params\.yaml:7: aliases expand to more than \d+ nodes/)
    expect(error!.location).toEqual({ file: 'params.yaml', line: 7 })
    expect(cost.ms).toBeLessThan(5_000)
    expect(cost.heapMb).toBeLessThan(100)
  })

  it.each([
    ['dvc.yaml / dvc.lock / params (YAML 1.2 core)', (t: string) => parseYaml(t, 'dvc.lock')],
    ['metrics files', (t: string) => parseMetricsText(t, 'metrics.yaml')],
    [
      'the policy file',
      (t: string) => parsePolicy(t, '.github/model-governance.yml', new MemoryLogger())
    ]
  ])('every YAML reader has the cap: %s', (_name, read) => {
    const error = configError(() => read(billionLaughs(9, 'x')))
    expect(error.message).toMatch(/:7: aliases expand to more than/)
  })

  it('weighs long strings: one huge string aliased 100,000 times is refused', () => {
    const text = `a: &s "${'x'.repeat(1_000_000)}"\nb: [${Array(100_000).fill('*s').join(',')}]\n`
    const error = configError(() => loadYamlBounded(text, 'vars.yaml', DEFAULT))
    expect(error.message).toMatch(/^vars\.yaml:2: aliases expand/)
  })

  it.each([['&a [*a]\n'], ['x: &a {b: [*a]}\n'], ['top:\n  x: &a\n    y:\n      - *a\n']])(
    'refuses a recursive alias: %j',
    text => {
      const error = configError(() => loadYamlBounded(text, 'params.yaml', DEFAULT))
      expect(error.message).toContain('refers to a node containing it')
      expect(error.location?.line).toEqual(expect.any(Number))
    }
  )

  it('refuses a merge-key bomb (js-yaml caps merged keys) as a configuration error', () => {
    const lines = ['b0: &b0 {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}']
    for (let i = 1; i < 8; i++)
      lines.push(
        `b${i}: &b${i} {<<: [${Array(10)
          .fill(`*b${i - 1}`)
          .join(', ')}], z${i}: 1}`
      )
    const error = configError(() => parseYaml(`${lines.join('\n')}\n`, 'params.yaml'))
    expect(error.location?.file).toBe('params.yaml')
  })

  it.each([
    ['base: &b {lr: 0.1, layers: [1, 2]}\nrun1: *b\nrun2: {<<: *b, lr: 0.2}\n'],
    ['a: !!map\nb: !!seq\nc: !!set\n'],
    ['a: &x\nb: *x\n'],
    ['x: &p !!pairs [{a: 1}]\ny: [*p, *p]\nz: !!omap [{k: 1}]\n'],
    ['a: &s !!set {p}\nb: *s\n'],
    ['? [1, 2]\n: x\n']
  ])('reads ordinary aliases, anchors and tags as js-yaml does: %j', text => {
    expect(loadYamlBounded(text, 'p.yaml', DEFAULT)).toEqual(yaml.load(text))
  })

  it('gives the same value as js-yaml for random documents with shared nodes, which yaml.dump writes as anchors and aliases (1,000 documents)', () => {
    const node = fc.jsonValue({ maxDepth: 3 }).filter(v => typeof v === 'object' && v !== null)
    let withAliases = 0
    fc.assert(
      fc.property(node, node, fc.array(fc.nat(2), { maxLength: 6 }), (x, y, picks) => {
        const shared = [x, y, { inner: x }]
        const doc = { first: x, list: picks.map(i => shared[i]), again: { y, x } }
        const text = yaml.dump(doc)
        if (text.includes('*ref_')) withAliases++
        expect(loadYamlBounded(text, 'p.yaml', DEFAULT)).toEqual(yaml.load(text))
      }),
      { numRuns: 1_000, seed: 1201 }
    )
    expect(withAliases).toBeGreaterThan(500)
  })

  it('gives the same value as js-yaml for any alias-free document (1,000 random documents)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), value => {
        const text = yaml.dump(value)
        expect(loadYamlBounded(text, 'p.yaml', DEFAULT)).toEqual(yaml.load(text))
      }),
      { numRuns: 1_000, seed: 42 }
    )
  })
})

describe('depth and size caps', () => {
  it('refuses YAML nested deeper than the cap, with its line', () => {
    const text = `a:\n${Array.from({ length: MAX_DEPTH + 5 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`
    const error = configError(() => loadYamlBounded(text, 'params.yaml', DEFAULT))
    expect(error.message).toMatch(/^params\.yaml:\d+ nests deeper than 100 levels/)
    expect(error.location?.line).toBeGreaterThan(90)
    const flow = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    expect(configError(() => loadYamlBounded(flow, 'p.yaml', DEFAULT)).message).toContain(
      'nests deeper'
    )
  })

  it('refuses deeply nested JSON before parsing it (no stack overflow), with its line', () => {
    const text = `{\n"a":\n${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`
    const error = configError(() => parseJsonBounded(text, 'params.json'))
    expect(error.message).toBe('params.json:3 nests deeper than 100 levels; flatten the structure')
    expect(configError(() => parseMetricsText(text, 'metrics.json')).location).toEqual({
      file: 'metrics.json',
      line: 3
    })
    // Brackets inside strings are not nesting.
    expect(() =>
      checkJsonBounds(JSON.stringify({ s: '['.repeat(500), t: '"\\[' }), 'x.json')
    ).not.toThrow()
  })

  it('refuses deeply nested TOML', () => {
    const text = `a = ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`
    expect(() => parseTomlBounded(text, 'params.toml')).toThrow()
    expect(() => parseMetricsText(text, 'metrics.toml')).toThrow(ConfigurationError)
  })

  it('refuses text over the size cap for every format', () => {
    const big = `a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`
    for (const read of [
      () => loadYamlBounded(big, 'p.yaml', DEFAULT),
      () => parseJsonBounded(big, 'p.json'),
      () => parseTomlBounded(big, 'p.toml')
    ])
      expect(configError(read).message).toMatch(/over the 16777216-byte limit/)
  })
})
