import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { ActionError, ConfigurationError, FieldError } from '../../../src/core/errors.js'
import { defineInputs, optionalString, requiredString, secret } from '../../../src/core/inputs.js'
import { defineOutputs } from '../../../src/core/outputs.js'

const calls: { fn: string; args: unknown[] }[] = []
const record =
  (fn: string) =>
  (...args: unknown[]): void =>
    void calls.push({ fn, args })
jest.unstable_mockModule('@actions/core', () => ({
  setFailed: record('setFailed'),
  error: record('error'),
  debug: record('debug'),
  info: record('info'),
  warning: record('warning'),
  notice: record('notice'),
  setSecret: record('setSecret'),
  setOutput: record('setOutput'),
  group: (name: string, fn: () => Promise<unknown>) => {
    calls.push({ fn: 'group', args: [name] })
    return fn()
  },
  summary: { addRaw: () => ({ write: () => Promise.resolve() }) }
}))
const { runAction } = await import('../../../src/core/run.js')

const inputs = defineInputs({
  'model-name': requiredString(),
  'tracking-password': secret(optionalString())
})
const outputs = defineOutputs(['version'])
const env = { 'INPUT_MODEL-NAME': 'churn', 'INPUT_TRACKING-PASSWORD': 's3cret' }

beforeEach(() => {
  calls.length = 0
  process.exitCode = undefined
})

describe('runAction', () => {
  it('masks secret inputs before anything else and passes typed inputs to main', async () => {
    let seen: unknown
    await runAction(
      'x',
      inputs,
      outputs,
      ctx => {
        seen = ctx.inputs
        return Promise.resolve()
      },
      env
    )
    expect(calls[0]).toEqual({ fn: 'setSecret', args: ['s3cret'] })
    expect(seen).toEqual({ 'model-name': 'churn', 'tracking-password': 's3cret' })
    expect(calls.filter(c => c.fn === 'setFailed')).toEqual([])
  })

  it('reports a user mistake once, as its message, with no stack', async () => {
    await runAction(
      'x',
      inputs,
      outputs,
      () => Promise.reject(new ConfigurationError("Input 'stage' is 'Prod'; use Production")),
      env
    )
    expect(calls.filter(c => ['setFailed', 'error'].includes(c.fn))).toEqual([
      { fn: 'setFailed', args: ["Input 'stage' is 'Prod'; use Production"] }
    ])
    expect(calls.filter(c => c.fn === 'debug')).toEqual([])
  })

  it('points an error with a location at its file and line, still once', async () => {
    const error = new ActionError('bad rule', { location: { file: 'p.yml', line: 3, column: 7 } })
    await runAction('x', inputs, outputs, () => Promise.reject(error), env)
    expect(calls.filter(c => ['setFailed', 'error'].includes(c.fn))).toEqual([
      { fn: 'error', args: ['bad rule', { file: 'p.yml', startLine: 3, startColumn: 7 }] }
    ])
    expect(process.exitCode).toBe(1)
  })

  it('tells a bug apart: stack at debug level, a message that says it is a bug', async () => {
    await runAction(
      'x',
      inputs,
      outputs,
      () => Promise.reject(new TypeError('x is undefined')),
      env
    )
    const debug = calls.filter(c => c.fn === 'debug')
    expect(String(debug[0]?.args[0])).toContain('TypeError: x is undefined\n    at ')
    const failed = calls.filter(c => c.fn === 'setFailed')
    expect(failed).toHaveLength(1)
    expect(String(failed[0]?.args[0])).toMatch(
      /^x failed unexpectedly: x is undefined\. This is a bug in model-governance/
    )
  })

  it('fails on a thrown string too (never leaves the step green)', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    await runAction('x', inputs, outputs, () => Promise.reject('plain string'), env)
    expect(calls.filter(c => c.fn === 'setFailed')).toHaveLength(1)
  })

  it('validates inputs inside the wrapper, so a missing one fails the step naming it', async () => {
    await runAction('x', inputs, outputs, () => Promise.resolve(), {})
    expect(calls.filter(c => c.fn === 'setFailed')).toEqual([
      { fn: 'setFailed', args: ["Input 'model-name' is required but was not set."] }
    ])
  })

  it('renders a field error as the input it names', async () => {
    await runAction(
      'x',
      inputs,
      outputs,
      () => Promise.reject(new FieldError('stage', "is 'Prod'; use Production")),
      env
    )
    expect(calls.filter(c => c.fn === 'setFailed')).toEqual([
      { fn: 'setFailed', args: ["Input 'stage' is 'Prod'; use Production"] }
    ])
  })

  it('runs every deferred cleanup, last first, after a failure too; a failing one only warns', async () => {
    const order: string[] = []
    await runAction(
      'x',
      inputs,
      outputs,
      ctx => {
        ctx.defer(() => void order.push('first'))
        ctx.defer(() => Promise.reject(new Error('socket already closed')))
        ctx.defer(() => void order.push('last'))
        return Promise.reject(new ActionError('gate failed'))
      },
      env
    )
    expect(order).toEqual(['last', 'first'])
    expect(calls.filter(c => c.fn === 'warning')).toEqual([
      { fn: 'warning', args: ['A cleanup step failed: socket already closed'] }
    ])
    expect(calls.filter(c => c.fn === 'setFailed')).toEqual([
      { fn: 'setFailed', args: ['gate failed'] }
    ])
  })

  it('sets only declared outputs: an undeclared name is a bug, not a silent output', async () => {
    await runAction(
      'x',
      inputs,
      outputs,
      ctx => {
        ctx.setOutputs({ version: '3' })
        // @ts-expect-error -- a typo the typed context refuses at compile time; at run time too
        ctx.setOutputs({ verison: '3' })
        return Promise.resolve()
      },
      env
    )
    expect(calls.filter(c => c.fn === 'setOutput')).toEqual([
      { fn: 'setOutput', args: ['version', '3'] }
    ])
    expect(String(calls.find(c => c.fn === 'setFailed')?.args[0])).toMatch(
      /^x failed unexpectedly: output 'verison' is not declared in action.yml/
    )
  })

  it('runs a phase as a log group on the runner', async () => {
    const { actionsLogger } = await import('../../../src/core/run.js')
    const { phase } = await import('../../../src/core/logger.js')
    expect(await phase(actionsLogger, 'plan', () => Promise.resolve(7))).toBe(7)
    expect(calls).toEqual([{ fn: 'group', args: ['plan'] }])
  })
})
