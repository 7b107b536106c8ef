import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  envInputReader,
  integer,
  optionalString,
  requiredString
} from '../../../src/core/inputs.js'

const def = defineInputs({
  'model-name': requiredString(),
  'dry-run': boolean(false),
  mode: choice(['append', 'verify'] as const, 'append'),
  'timeout-seconds': integer(60, { min: 1 }),
  alias: optionalString()
})

describe('defineInputs', () => {
  it('applies defaults to empty values and types every value', () => {
    const values = def.parse(name => (name === 'model-name' ? ' churn ' : ''))
    expect(values).toEqual({
      'model-name': 'churn',
      'dry-run': false,
      mode: 'append',
      'timeout-seconds': 60,
      alias: undefined
    })
  })

  it.each([
    ['model-name', '', "'model-name' is required"],
    ['dry-run', 'yes', "'dry-run' is 'yes'; use true or false"],
    ['mode', 'write', "'mode' is 'write'; use one of: append, verify"],
    ['timeout-seconds', '1.5', "'timeout-seconds' is '1.5'; use a whole number"],
    ['timeout-seconds', '0', "'timeout-seconds' is 0; use a number of at least 1"]
  ])('rejects %s=%j naming the input', (input, value, message) => {
    const get = (name: string): string =>
      name === input ? value : name === 'model-name' ? 'm' : ''
    expect(() => def.parse(get)).toThrow(ConfigurationError)
    expect(() => def.parse(get)).toThrow(message)
  })

  it('reads INPUT_ variables the way the runner names them (hyphens kept, spaces to _)', () => {
    const read = envInputReader({ 'INPUT_DRY-RUN': 'true', INPUT_A_B: 'x' })
    expect(read('dry-run')).toBe('true')
    expect(read('a b')).toBe('x')
  })
})
