import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import yaml from 'js-yaml'
import { keyLine, keyLines } from '../../../src/dvc/project.js'

/**
 * keyLines finds every stage's line in one pass (keyLine per stage was quadratic in the file
 * size); on the dvc.yaml files DVC users write it must give the same line as keyLine.
 */
const name = fc.stringMatching(/^[a-zA-Z_][\w.@ -]{0,12}$/).filter(n => n.trim() === n)
const stage = fc.record({
  cmd: fc.oneof(fc.constant('echo a: b'), fc.constant('python train.py'), fc.string()),
  deps: fc.array(fc.constantFrom('data.csv', 'src/train.py', 'model'), { maxLength: 3 })
})

describe('stage lines in one pass', () => {
  it('equal keyLine for every stage of random dvc.yaml files (500 files)', () => {
    fc.assert(
      fc.property(fc.dictionary(name, stage, { minKeys: 1, maxKeys: 12 }), stages => {
        const text = yaml.dump({ vars: [{ x: 1 }], stages })
        const from = keyLine(text, 'stages') ?? 0
        const index = keyLines(text, from)
        for (const n of Object.keys(stages)) expect(index.get(n)).toBe(keyLine(text, n, from))
      }),
      { numRuns: 500, seed: 99 }
    )
  })
})
