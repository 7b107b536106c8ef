import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  envInputReader,
  integer,
  matching,
  optionalString,
  requiredString,
  stringWithDefault
} from '../../../src/core/inputs.js'
import { inputs as auditLogInputs } from '../../../actions/audit-log/inputs.js'
import { inputs as resolveStageInputs } from '../../../actions/resolve-stage/inputs.js'

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

describe('string rules', () => {
  const commit = matching(/^[0-9a-f]{7,64}$/, 'is not a commit id')
  const rules = defineInputs({
    sha: requiredString(commit),
    since: optionalString(commit),
    base: stringWithDefault('abcdef0', commit)
  })
  const reader =
    (values: Record<string, string>) =>
    (name: string): string =>
      values[name] ?? ''

  it('takes a value the rule accepts, trimmed, and applies the default where it is empty', () => {
    expect(rules.parse(reader({ sha: ' 0123abc ' }))).toEqual({
      sha: '0123abc',
      since: undefined,
      base: 'abcdef0'
    })
  })

  it.each([
    ['sha', 'HEAD'],
    ['since', 'main~1'],
    ['base', 'ABCDEF0']
  ])("refuses %s=%j with the rule's words and what to do", (input, value) => {
    const values = { sha: '0123abc', [input]: value }
    expect(() => rules.parse(reader(values))).toThrow(
      `'${input}' is not a commit id; fix its value.`
    )
  })

  it("keeps the actions' own rules: audit-log's SHA-256 and resolve-stage's policy path", () => {
    const env = (values: Record<string, string>): NodeJS.ProcessEnv =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
    expect(() =>
      auditLogInputs.parse(
        envInputReader(env({ mode: 'verify', 'expected-sha256': 'F'.repeat(64) }))
      )
    ).toThrow("'expected-sha256' is not a lowercase hex SHA-256; fix its value.")
    const stage = (policyFile: string): unknown =>
      resolveStageInputs.parse(
        envInputReader(
          env({
            'model-name': 'churn',
            version: '3',
            'target-stage': 'Staging',
            'policy-file': policyFile
          })
        )
      )
    expect(stage('.github/model-governance.yml')).toMatchObject({
      'policy-file': '.github/model-governance.yml'
    })
    expect(() => stage('../outside.yml')).toThrow(
      "'policy-file' use a path inside the repository, without ..; fix its value."
    )
    expect(() => stage('gov ernance.yml')).toThrow(
      "'policy-file' use a relative path of letters, digits, _ . / and -; fix its value."
    )
    expect(() => stage('/etc/policy.yml')).toThrow("'policy-file' use a path inside the repository")
  })
})
