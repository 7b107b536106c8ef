import { UsageError } from './exit-codes.js'
import { hasUnsafeText } from '../core/text-safety.js'

export const COMMANDS = [
  'status',
  'history',
  'verify-audit',
  'reconcile',
  'resolve',
  'evidence'
] as const
export type Command = (typeof COMMANDS)[number]

export interface ParsedArgs {
  command: Command | 'help' | 'version'
  positionals: string[]
  json: boolean
  color: boolean | undefined
  verbose: boolean
  file?: string
  policy?: string
  repo?: string
  models: string[]
  limit?: number
  expectedSha256?: string
  /** The audit history check (verify-audit, reconcile, status); --no-history turns it off. */
  history: boolean
  auditIdentities?: string
  expectedCommit?: string
  /** verify-audit: confirm each entry against GitHub's record of its run (token from GITHUB_TOKEN). */
  checkRuns: boolean
  /** status: the instant to answer for, from the audit trail (--at). */
  at?: Date
  /** resolve: download the governed version's files, verified, into this folder. */
  download?: string
  /** evidence: --version N (the model version; a bare --version prints the tool's version). */
  modelVersion?: string
  format?: string
  out?: string
}

const VALUE_OPTIONS = new Set([
  '--file',
  '--policy',
  '--repo',
  '--model',
  '--limit',
  '--expected-sha256',
  '--audit-identities',
  '--expected-commit',
  '--at',
  '--download',
  '--format',
  '--out'
])

/** A small, strict parser: unknown options are errors (a misspelt --jsn must not print a table to a script). */
export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = {
    command: 'help',
    positionals: [],
    json: false,
    color: undefined,
    verbose: false,
    models: [],
    history: true,
    checkRuns: false
  }
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      words.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    // evidence's --version N: a value that is a version number; alone, --version is the tool's.
    if (name === '--version' && (eq > 0 || /^\d+$/.test(argv[i + 1] ?? ''))) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]!
      if (!/^[1-9]\d{0,17}$/.test(value))
        throw new UsageError(
          `Option --version is '${value}'; use a model version number, e.g. --version 3`
        )
      parsed.modelVersion = value
      continue
    }
    if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined || value === '')
        throw new UsageError(`Option ${name} needs a value, e.g. ${name}=<value>`)
      setValue(parsed, name, value)
      continue
    }
    if (eq > 0)
      throw new UsageError(`Option ${name} takes no value; remove '=${arg.slice(eq + 1)}'`)
    switch (name) {
      case '--json':
        parsed.json = true
        break
      case '--color':
        parsed.color = true
        break
      case '--no-color':
        parsed.color = false
        break
      case '--no-history':
        parsed.history = false
        break
      case '--check-runs':
        parsed.checkRuns = true
        break
      case '--verbose':
      case '-v':
        parsed.verbose = true
        break
      case '--help':
      case '-h':
        words.unshift('help')
        break
      case '--version':
        words.unshift('version')
        break
      default:
        throw new UsageError(
          `Unknown option ${name}; run 'model-governance help' for the options of each command`
        )
    }
  }
  const [command, ...rest] = words
  if (command === undefined || command === 'help' || command === 'version') {
    parsed.command = command ?? 'help'
    return parsed
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`Unknown command '${command}'; use one of: ${COMMANDS.join(', ')}`)
  }
  parsed.command = command as Command
  parsed.positionals = rest
  return parsed
}

function setValue(parsed: ParsedArgs, name: string, value: string): void {
  switch (name) {
    case '--file':
      parsed.file = value
      break
    case '--policy':
      parsed.policy = value
      break
    case '--repo':
      parsed.repo = value
      break
    case '--model':
      parsed.models.push(value)
      break
    case '--expected-sha256':
      if (!/^[0-9a-f]{64}$/.test(value))
        throw new UsageError(
          'Option --expected-sha256 must be a lowercase hex SHA-256 (64 characters)'
        )
      parsed.expectedSha256 = value
      break
    case '--audit-identities':
      parsed.auditIdentities = value
      break
    case '--expected-commit':
      if (!/^[0-9a-f]{7,64}$/.test(value))
        throw new UsageError(
          'Option --expected-commit must be a commit id (7 to 64 lowercase hex digits)'
        )
      parsed.expectedCommit = value
      break
    case '--at':
      parsed.at = parseInstant(value)
      break
    case '--download':
      if (hasUnsafeText(value))
        throw new UsageError(
          'Option --download holds a control character; pass a plain folder path'
        )
      parsed.download = value
      break
    case '--format':
      if (!['md', 'json', 'html'].includes(value))
        throw new UsageError(`Option --format is '${value}'; use md, json or html`)
      parsed.format = value
      break
    case '--out':
      parsed.out = value
      break
    case '--limit': {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`Option --limit is '${value}'; use a whole number of at least 1`)
      parsed.limit = n
      break
    }
  }
}

/**
 * An ISO 8601 date or instant. A time needs its zone (Z or +hh:mm): '2026-12-01T02:00' would be
 * read in the machine's zone, and at 2 AM nobody should have to wonder which one. A bare date
 * means its start in UTC.
 */
export function parseInstant(value: string): Date {
  const usage = (why = ''): UsageError =>
    new UsageError(
      `Option --at is '${value}'${why}; use an ISO 8601 date or time with its zone, e.g. 2026-12-01 or 2026-12-01T02:00:00Z`
    )
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/i.exec(
      value
    )
  if (!m || (m[4] !== undefined && m[7] === undefined)) throw usage()
  // JavaScript's Date rolls an impossible day over (2026-02-30 is 2026-03-02), so every field is
  // checked against the calendar first: an answer for another day than the one asked is worse
  // than none.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12) throw usage(`, and there is no month ${m[2]}`)
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day < 1 || day > days)
    throw usage(`, and ${m[1]}-${m[2]} has ${days} days, so there is no day ${m[3]}`)
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (hour > 23 || minute > 59 || second > 59)
    throw usage(', which is not a time of day (hours 00-23, minutes and seconds 00-59)')
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59))
    throw usage(', whose zone offset is not a time (hh:mm, hours 00-23, minutes 00-59)')
  const at = new Date(m[4] === undefined ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(at.getTime())) throw usage()
  return at
}

/** Checks a command's positional arguments: `need` required, at most `max`. */
export function positionals(args: ParsedArgs, names: string[], need: number): string[] {
  if (args.positionals.length < need) {
    throw new UsageError(
      `'${args.command}' needs ${names
        .slice(0, need)
        .map(n => `<${n}>`)
        .join(' ')}; e.g. model-governance ${args.command} ${names.map(n => `<${n}>`).join(' ')}`
    )
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(
      `'${args.command}' takes ${names.length === 0 ? 'no arguments' : `at most: ${names.map(n => `[${n}]`).join(' ')}`}; got '${args.positionals.join(' ')}'`
    )
  }
  return args.positionals
}
