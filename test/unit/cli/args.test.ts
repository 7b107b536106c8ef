import { describe, expect, it } from '@jest/globals'
import { parseArgs, positionals } from '../../../src/cli/args.js'
import { EXIT, exitCodeFor, UsageError } from '../../../src/cli/exit-codes.js'
import { ActionError, ConfigurationError } from '../../../src/core/errors.js'
import { MlflowApiError, MlflowUnavailableError } from '../../../src/mlflow/errors.js'

describe('parseArgs', () => {
  it('reads the command, its arguments and options in any order', () => {
    expect(
      parseArgs(['--json', 'status', 'churn', '--file=logs/AUDIT.log', '--policy', 'p.yml'])
    ).toMatchObject({
      command: 'status',
      positionals: ['churn'],
      json: true,
      file: 'logs/AUDIT.log',
      policy: 'p.yml'
    })
    expect(parseArgs(['reconcile', '--model', 'a', '--model=b', '--no-color'])).toMatchObject({
      models: ['a', 'b'],
      color: false
    })
  })

  it('treats no command, help and -h as help', () => {
    expect(parseArgs([]).command).toBe('help')
    expect(parseArgs(['status', '-h']).command).toBe('help')
    expect(parseArgs(['--version']).command).toBe('version')
  })

  it('refuses unknown commands and options, naming them', () => {
    expect(() => parseArgs(['stauts'])).toThrow(
      "Unknown command 'stauts'; use one of: status, history, verify-audit, reconcile"
    )
    expect(() => parseArgs(['status', '--jsn'])).toThrow('Unknown option --jsn')
    expect(() => parseArgs(['status', '--json=yes'])).toThrow('Option --json takes no value')
    expect(() => parseArgs(['history', 'm', '--limit', '0'])).toThrow("Option --limit is '0'")
    expect(() => parseArgs(['verify-audit', '--file'])).toThrow('Option --file needs a value')
    expect(() => parseArgs(['verify-audit', '--expected-sha256', 'abc'])).toThrow(UsageError)
  })

  it('checks the number of arguments per command', () => {
    expect(() => positionals(parseArgs(['status']), ['model'], 1)).toThrow("'status' needs <model>")
    expect(() => positionals(parseArgs(['reconcile', 'extra']), [], 0)).toThrow(
      "'reconcile' takes no arguments; got 'extra'"
    )
    expect(positionals(parseArgs(['verify-audit', 'x.log']), ['file'], 0)).toEqual(['x.log'])
  })
})

it('maps errors to the documented exit codes', () => {
  const op = { action: 'get', object: 'x' }
  expect(exitCodeFor(new UsageError('x'))).toBe(EXIT.usage)
  expect(exitCodeFor(new ConfigurationError('x'))).toBe(2)
  expect(exitCodeFor(new MlflowApiError('PERMISSION_DENIED', 403, op, 'http://h', ''))).toBe(3)
  expect(exitCodeFor(new MlflowUnavailableError('down'))).toBe(3)
  expect(exitCodeFor(new ActionError('chain broken'))).toBe(1)
  expect(exitCodeFor(new TypeError('bug'))).toBe(4)
})

describe('--at', () => {
  it.each([
    ['2026-02-30', /2026-02 has 28 days, so there is no day 30/],
    ['2028-02-30T01:00:00Z', /2028-02 has 29 days, so there is no day 30/],
    ['2026-04-31', /2026-04 has 30 days, so there is no day 31/],
    ['2026-13-01', /there is no month 13/],
    ['2026-00-10', /there is no month 00/],
    ['2026-12-00', /there is no day 00/],
    ['2026-12-01T24:00:00Z', /not a time of day/],
    ['2026-12-01T23:60Z', /not a time of day/],
    ['2026-12-01T23:59:60Z', /not a time of day/],
    ['2026-12-01T02:00:00+25:00', /zone offset is not a time/]
  ])('refuses the impossible %s instead of rolling it over', (value, why) => {
    expect(() => parseArgs(['status', 'm', '--at', value])).toThrow(why)
  })

  it('takes the last day of each month, and 29 February in a leap year', () => {
    expect(parseArgs(['status', 'm', '--at', '2028-02-29']).at?.toISOString()).toBe(
      '2028-02-29T00:00:00.000Z'
    )
    expect(parseArgs(['status', 'm', '--at', '2026-12-31T23:59:59Z']).at?.toISOString()).toBe(
      '2026-12-31T23:59:59.000Z'
    )
  })

  it('takes a date (its UTC start) or a time with its zone', () => {
    expect(parseArgs(['status', 'm', '--at', '2026-12-01']).at?.toISOString()).toBe(
      '2026-12-01T00:00:00.000Z'
    )
    expect(parseArgs(['status', 'm', '--at=2026-12-01T02:00:00+01:00']).at?.toISOString()).toBe(
      '2026-12-01T01:00:00.000Z'
    )
    expect(parseArgs(['status', 'm', '--at', '2026-12-01T02:00:00.123Z']).at?.getTime()).toBe(
      Date.parse('2026-12-01T02:00:00.123Z')
    )
  })

  it.each(['2026-12-01T02:00', 'yesterday', '2026-13-01', '1733011200'])(
    "refuses '%s', naming the option and the form it wants",
    value => {
      expect(() => parseArgs(['status', 'm', '--at', value])).toThrow(
        /Option --at is .*; use an ISO 8601 date or time with its zone/
      )
    }
  )
})

describe('help and version', () => {
  it('takes help for a command from --help or the help word, and --version only alone', () => {
    expect(parseArgs(['status', 'm', '--help'])).toMatchObject({ command: 'help', topic: 'status' })
    expect(parseArgs(['help', 'evidence'])).toMatchObject({ command: 'help', topic: 'evidence' })
    expect(parseArgs(['help']).topic).toBeUndefined()
    expect(parseArgs(['--json', '--version']).command).toBe('version')
    expect(parseArgs(['--version', '--help']).command).toBe('help')
    expect(() => parseArgs(['reconcile', '--version'])).toThrow('reconcile does not take --version')
  })
})
