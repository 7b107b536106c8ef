import { describe, expect, it } from '@jest/globals'
import { compareParams } from '../../../src/dvc/params.js'
import { dvcToStr, interpolateString } from '../../../src/dvc/interpolate.js'
import { PyFloat, pyEquals, pythonFloatRepr } from '../../../src/dvc/pyvalue.js'
import { parseYaml } from '../../../src/dvc/yaml-file.js'
import { ConfigurationError } from '../../../src/core/errors.js'

describe('Python float repr (what ${} prints)', () => {
  it.each([
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [0.1, '0.1'],
    [1, '1.0'],
    [100, '100.0'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [-2.5, '-2.5'],
    [123456.789, '123456.789'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.NaN, 'nan'],
    [Infinity, 'inf']
  ])('%p -> %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text)
  })
})

describe('Python equality for params', () => {
  it.each([
    [1, new PyFloat(1), true],
    [true, 1, true],
    [false, new PyFloat(0), true],
    [new PyFloat(Number.NaN), new PyFloat(Number.NaN), false],
    ['1', 1, false],
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: new PyFloat(1) }, true],
    [[1, 2], [2, 1], false],
    [null, null, true],
    [{ a: 1 }, { a: 1, b: 2 }, false]
  ])('%p == %p is %p', (a, b, equal) => {
    expect(pyEquals(a, b)).toBe(equal)
  })

  it('reports deleted, new and modified keys like ParamsDependency.workspace_status', () => {
    const checks = compareParams(
      ['a.b', 'c', 'gone'],
      { 'a.b': 1, c: 'x', gone: 2 },
      { a: { b: new PyFloat(1) }, c: 'y' }
    )
    expect(checks.map(c => [c.key, c.status])).toEqual([
      ['a.b', 'unchanged'],
      ['c', 'modified'],
      ['gone', 'deleted']
    ])
    const whole = compareParams([], { x: 1 }, { x: 1, y: 2 })
    expect(whole.map(c => [c.key, c.status])).toEqual([
      ['x', 'unchanged'],
      ['y', 'new']
    ])
  })
})

describe('${} interpolation', () => {
  const ctx = {
    lr: new PyFloat(0.00001),
    n: 3,
    flag: true,
    name: 'a b',
    opts: { lr: new PyFloat(1), verbose: true, quiet: false, tags: ['x', 'y z'] },
    list: [1, 2]
  }
  it('keeps the type of a whole-value reference and prints Python-style inside strings', () => {
    expect(interpolateString('${n}', ctx)).toBe(3)
    expect(interpolateString('${list}', ctx)).toEqual([1, 2])
    expect(interpolateString('train --lr ${lr} -n ${n} ${flag}', ctx)).toBe(
      'train --lr 1e-05 -n 3 true'
    )
    expect(interpolateString('x \\${lr}', ctx)).toBe('x ${lr}')
    expect(interpolateString('${list[1]}', ctx)).toBe(2)
  })
  it('prints dicts as DVC flags', () => {
    expect(dvcToStr(ctx.opts)).toBe("--lr 1.0 --verbose --tags x 'y z'")
  })
  it('fails on an unknown name', () => {
    expect(() => interpolateString('${nope}', ctx)).toThrow("Could not find 'nope'")
  })
})

describe('YAML loading', () => {
  it('follows YAML 1.2 (yes stays a string) and keeps floats as floats', () => {
    const data = parseYaml('a: yes\nb: 1.0\nc: 1\nd: true\n', 'params.yaml') as Record<
      string,
      unknown
    >
    expect(data.a).toBe('yes')
    expect(data.b).toBeInstanceOf(PyFloat)
    expect(data.c).toBe(1)
    expect(data.d).toBe(true)
  })
  it('names the file and line of a syntax error', () => {
    expect(() => parseYaml('stages:\n  a:\n    cmd: [unclosed\n', 'dvc.yaml')).toThrow(
      ConfigurationError
    )
    try {
      parseYaml('ok: 1\nbad: : :\n', 'dvc.lock')
    } catch (error) {
      expect((error as ConfigurationError).location).toEqual({ file: 'dvc.lock', line: 2 })
    }
    expect.assertions(2)
  })
})
