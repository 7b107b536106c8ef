import { parseArgs as nodeParseArgs } from 'node:util'
import { UsageError } from './exit-codes.js'
import { OPTIONS, optionsOf, scopesOf, spell, type OptionRow, type Scope } from './options.js'
import { COMMANDS, emptyArgs, type Command, type ParsedArgs } from './parsed-args.js'

export { COMMANDS, type Command, type ParsedArgs } from './parsed-args.js'
export { parseInstant } from './instant.js'

/** parseArgs' tokens, as node:util documents them. */
type Token =
  | {
      kind: 'option'
      name: string
      rawName: string
      index: number
      value?: string
      inlineValue?: boolean
    }
  | { kind: 'positional'; index: number; value: string }
  | { kind: 'option-terminator'; index: number }

type Config = Record<string, { type: 'boolean' | 'string'; short?: string }>

function configOf(rows: readonly OptionRow[]): Config {
  const config: Config = {}
  for (const row of rows)
    config[row.name] = { type: row.type, ...(row.short ? { short: row.short } : {}) }
  return config
}

function tokenize(argv: string[], config: Config, strict: boolean): Token[] {
  return nodeParseArgs({
    args: argv,
    options: config,
    strict,
    allowPositionals: true,
    tokens: true
  }).tokens
}

/**
 * Every option of every command, to find which command a line names before its own table is
 * known. `--version` is read here as the bare tool's flag, so `evidence m --version 3` finds
 * `evidence` (its table then reads 3 as the model version); the value options of all commands
 * take their values, so `--repo dir status` finds `status`.
 */
const DISCOVERY = configOf(
  [...OPTIONS]
    .sort((a, b) => Number(b.scopes.includes('alone')) - Number(a.scopes.includes('alone')))
    .filter((row, i, rows) => rows.findIndex(r => r.name === row.name) === i)
)

/**
 * The command line: the command, then node:util's parseArgs in strict mode with that command's
 * own options (options.ts). An option the command does not take is refused, naming the options
 * it does take: a misspelt --jsn, or resolve's --download given to history, must not be
 * silently ignored while a script reads the result.
 */
export function parseArgs(argv: string[]): ParsedArgs {
  const parsed = emptyArgs()
  const found = tokenize(argv, DISCOVERY, false)
  const words = found.flatMap(t => (t.kind === 'positional' ? [t.value] : []))
  const asksHelp = found.some(t => t.kind === 'option' && t.name === 'help')
  const [word, topic] = words
  if (word === 'help' || word === 'version' || (asksHelp && word !== undefined)) {
    parsed.command = word === 'version' ? 'version' : 'help'
    const wanted = word === 'help' ? topic : word
    if (isCommand(wanted)) parsed.topic = wanted
    return parsed
  }
  if (word !== undefined && !isCommand(word))
    throw new UsageError(`Unknown command '${word}'; use one of: ${COMMANDS.join(', ')}`)
  const scope: Scope = word ?? 'alone'
  const rows = optionsOf(scope)
  let tokens: Token[]
  try {
    tokens = tokenize(argv, configOf(rows), true)
  } catch (error) {
    throw explain(argv, scope, rows, error)
  }
  for (const token of tokens) {
    if (token.kind === 'positional') parsed.positionals.push(token.value)
    if (token.kind !== 'option') continue
    const row = rows.find(r => r.name === token.name)!
    if (row.type === 'boolean') row.set(parsed)
    else if (!token.value) throw needsValue(row, token.rawName)
    else row.set(parsed, token.value)
  }
  if (word === undefined) {
    const asked = (name: string): boolean =>
      tokens.some(t => t.kind === 'option' && t.name === name)
    parsed.command = asked('version') && !asked('help') ? 'version' : 'help'
    return parsed
  }
  parsed.command = word
  // The first positional is the command itself.
  parsed.positionals.shift()
  return parsed
}

function isCommand(word: string | undefined): word is Command {
  return (COMMANDS as readonly string[]).includes(word ?? '')
}

/**
 * Why strict parsing refused the line, in the suite's words: node:util's messages differ between
 * Node versions and cannot name a command's options, so the line is read again leniently, with
 * the same table, to find the option at fault.
 */
function explain(argv: string[], scope: Scope, rows: OptionRow[], error: unknown): UsageError {
  for (const token of tokenize(argv, configOf(rows), false)) {
    if (token.kind !== 'option') continue
    const row = rows.find(r => r.name === token.name)
    if (!row) return notTaken(token.rawName, token.name, scope, rows)
    if (row.type === 'boolean' && token.value !== undefined)
      return new UsageError(`Option ${token.rawName} takes no value; remove '=${token.value}'`)
    if (row.type === 'string' && token.value === undefined) return needsValue(row, token.rawName)
    if (row.type === 'string' && !token.inlineValue && token.value!.startsWith('-'))
      return new UsageError(
        `${needsValue(row, token.rawName).message}; '${token.value}' is read as an option (write --${row.name}=${token.value} if it is the value)`
      )
  }
  return new UsageError(`The command line is not valid: ${(error as Error).message}`)
}

function needsValue(row: OptionRow, raw: string): UsageError {
  if (row.name === 'version')
    return new UsageError(
      `Option --version needs a value: for evidence it is the model version, e.g. --version 3 (the tool's own version: model-governance --version, alone)`
    )
  return new UsageError(`Option ${raw} needs a value, e.g. ${spell(row)}`)
}

function notTaken(raw: string, name: string, scope: Scope, rows: OptionRow[]): UsageError {
  const who = scope === 'alone' ? 'model-governance without a command' : scope
  const takes = `${who} takes: ${rows.map(r => `--${r.name}`).join(', ')}`
  const others = scopesOf(name)
  if (others.length === 0) return new UsageError(`Unknown option ${raw}; ${takes}`)
  const commands = others.filter((s): s is Command => s !== 'alone')
  const elsewhere =
    name === 'version'
      ? scope === 'alone'
        ? 'evidence takes it as the model version'
        : "evidence takes it as the model version; the tool's own version is model-governance --version, alone"
      : commands.length === COMMANDS.length
        ? 'every command takes it'
        : commands.length > 0
          ? `${commands.join(', ')} ${commands.length === 1 ? 'takes' : 'take'} it`
          : 'it goes without a command'
  return new UsageError(`${who} does not take ${raw} (${elsewhere}); ${takes}`)
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
