import { hasUnsafeText } from '../core/text-safety.js'
import { UsageError } from './exit-codes.js'
import { parseInstant } from './instant.js'
import { COMMANDS, type Command, type ParsedArgs } from './parsed-args.js'

/**
 * The CLI's options, each defined once: its name, type, what it means and which commands take
 * it. The parser (args.ts, node:util parseArgs in strict mode), the help text (help.ts) and the
 * "which options does this command take" error all read this table, and a unit test holds
 * docs/cli.md's option table to it; before, each option was written out in five places and a
 * command silently accepted another's options (`history --download x`).
 */

/** `alone`: the command line without a command (`model-governance --version`). */
export type Scope = Command | 'alone'

interface Row {
  name: string
  short?: string
  /** The words that take it: commands, or `alone` for the bare tool. */
  scopes: readonly Scope[]
  description: string
}

export interface FlagOption extends Row {
  type: 'boolean'
  set(args: ParsedArgs): void
}

export interface ValueOption extends Row {
  type: 'string'
  /** How help and the errors show the value: `--file <path>`. */
  value: string
  /** Checks the value (throwing a UsageError that names the option) and stores it. */
  set(args: ParsedArgs, value: string): void
}

export type OptionRow = FlagOption | ValueOption

const EVERY: readonly Scope[] = COMMANDS
const ANYWHERE: readonly Scope[] = [...COMMANDS, 'alone']

const flag = (row: Omit<FlagOption, 'type'>): FlagOption => ({ type: 'boolean', ...row })
const valued = (row: Omit<ValueOption, 'type'>): ValueOption => ({ type: 'string', ...row })

function pattern(option: string, re: RegExp, what: string): (value: string) => string {
  return value => {
    if (!re.test(value)) throw new UsageError(`Option ${option} ${what}`)
    return value
  }
}

const sha256 = pattern(
  '--expected-sha256',
  /^[0-9a-f]{64}$/,
  'must be a lowercase hex SHA-256 (64 characters)'
)
const commitId = pattern(
  '--expected-commit',
  /^[0-9a-f]{7,64}$/,
  'must be a commit id (7 to 64 lowercase hex digits)'
)

export const OPTIONS: readonly OptionRow[] = [
  flag({
    name: 'json',
    scopes: ANYWHERE,
    description: 'machine-readable output on stdout',
    set: a => void (a.json = true)
  }),
  valued({
    name: 'file',
    value: '<path>',
    scopes: EVERY,
    description: 'the audit log (default: AUDIT.log at the repository root)',
    set: (a, v) => void (a.file = v)
  }),
  valued({
    name: 'policy',
    value: '<path>',
    scopes: EVERY,
    description:
      'the policy file (default: .github/model-governance.yml at the root, else .mlflow/config.yaml when it holds model_registry.stages)',
    set: (a, v) => void (a.policy = v)
  }),
  valued({
    name: 'repo',
    value: '<dir>',
    scopes: EVERY,
    description: 'the repository root (default: the git repository above the cwd)',
    set: (a, v) => void (a.repo = v)
  }),
  valued({
    name: 'model',
    value: '<name>',
    scopes: ['reconcile'],
    description: 'only this model (repeatable)',
    set: (a, v) => void a.models.push(v)
  }),
  valued({
    name: 'limit',
    value: '<n>',
    scopes: ['history'],
    description: 'only the newest n events',
    set: (a, v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`Option --limit is '${v}'; use a whole number of at least 1`)
      a.limit = n
    }
  }),
  valued({
    name: 'expected-sha256',
    value: '<h>',
    scopes: ['verify-audit'],
    description: 'the file must contain a line with this SHA-256',
    set: (a, v) => void (a.expectedSha256 = sha256(v))
  }),
  valued({
    name: 'expected-commit',
    value: '<c>',
    scopes: ['verify-audit'],
    description: 'a commit an older clone kept; a rewritten history fails',
    set: (a, v) => void (a.expectedCommit = commitId(v))
  }),
  valued({
    name: 'at',
    value: '<time>',
    scopes: ['status'],
    description:
      'who held each target then, by the audit trail (ISO 8601, with its zone: 2026-12-01T02:00:00Z)',
    set: (a, v) => void (a.at = parseInstant(v))
  }),
  flag({
    name: 'no-history',
    scopes: EVERY,
    description: 'skip the git history check of the audit log',
    set: a => void (a.history = false)
  }),
  valued({
    name: 'audit-identities',
    value: '<l>',
    scopes: EVERY,
    description:
      "who may append, as git authors: 'Name <email>, <email>' (default: github-actions[bot], the suite's own committer)",
    set: (a, v) => void (a.auditIdentities = v)
  }),
  flag({
    name: 'check-runs',
    scopes: EVERY,
    description:
      "confirm each entry against GitHub's record of its run (GITHUB_TOKEN or GH_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)",
    set: a => void (a.checkRuns = true)
  }),
  valued({
    name: 'download',
    value: '<dir>',
    scopes: ['resolve'],
    description: 'stream the files into <dir> (new or empty), verified',
    set: (a, v) => {
      if (hasUnsafeText(v))
        throw new UsageError(
          'Option --download holds a control character; pass a plain folder path'
        )
      a.download = v
    }
  }),
  // The one name with two meanings, each in its own scope: the model version for evidence (as
  // docs and scripts have always written it), the tool's version on a line without a command.
  valued({
    name: 'version',
    value: '<n>',
    scopes: ['evidence'],
    description: 'the model version the pack is about',
    set: (a, v) => {
      if (!/^[1-9]\d{0,17}$/.test(v))
        throw new UsageError(
          `Option --version is '${v}'; use a model version number, e.g. --version 3`
        )
      a.modelVersion = v
    }
  }),
  valued({
    name: 'format',
    value: '<format>',
    scopes: ['evidence'],
    description:
      'md (the default), json or html: the pack as markdown, JSON or one self-contained page',
    set: (a, v) => {
      if (!['md', 'json', 'html'].includes(v))
        throw new UsageError(`Option --format is '${v}'; use md, json or html`)
      a.format = v
    }
  }),
  valued({
    name: 'out',
    value: '<file>',
    scopes: ['evidence'],
    description: 'write the pack to this file (whole, or not at all) instead of stdout',
    set: (a, v) => void (a.out = v)
  }),
  flag({
    name: 'color',
    scopes: ANYWHERE,
    description: 'force colour on (default: on a terminal, unless NO_COLOR is set)',
    set: a => void (a.color = true)
  }),
  flag({
    name: 'no-color',
    scopes: ANYWHERE,
    description: 'force colour off',
    set: a => void (a.color = false)
  }),
  flag({
    name: 'verbose',
    short: 'v',
    scopes: ANYWHERE,
    description: 'debug messages on stderr',
    set: a => void (a.verbose = true)
  }),
  flag({
    name: 'help',
    short: 'h',
    scopes: ANYWHERE,
    description: 'this text (with a command: that command and its options)',
    set: () => undefined
  }),
  flag({
    name: 'version',
    scopes: ['alone'],
    description: "the tool's version",
    set: () => undefined
  })
]

/** The options a command (or the bare tool) takes, in table order. */
export function optionsOf(scope: Scope): OptionRow[] {
  return OPTIONS.filter(row => row.scopes.includes(scope))
}

/** `--file <path>`, `-v, --verbose`: as help and the errors show an option. */
export function spell(row: OptionRow): string {
  const long = `--${row.name}${row.type === 'string' ? ` ${row.value}` : ''}`
  return row.short ? `-${row.short}, ${long}` : long
}

/** The commands (or `alone`) that take an option of this name, for an error's hint. */
export function scopesOf(name: string): Scope[] {
  return OPTIONS.filter(row => row.name === name).flatMap(row => row.scopes)
}

/** What each command is, for help: its arguments and one paragraph. */
export const COMMAND_HELP: Record<Command, { usage: string; summary: string }> = {
  status: {
    usage: '<model> [target]',
    summary:
      'each stage and alias: version, who trained it, on what data, who approved it, the commit that reproduces it; flags drift from the audit log. With a target (Production, alias:champion): that one in full'
  },
  history: { usage: '<model>', summary: "the model's audit events as a table" },
  'verify-audit': {
    usage: '[file]',
    summary: "check an audit log's hash chain and git history (the audit-log action's verify mode)"
  },
  reconcile: {
    usage: '',
    summary:
      'compare the registry with the audit log for every model it names (the reconcile action)'
  },
  resolve: {
    usage: '<model> <stage|alias>',
    summary:
      "the governed version's models:/ URI; exit 1 when the registry disagrees with the audit log. --download DIR fetches its files, verified against the md5 the audit log recorded"
  },
  evidence: {
    usage: '<model> --version <n>',
    summary:
      "one self-contained evidence pack for an auditor: the version's history, gates, approvals, lineage, training run, trail verification, timeline"
  }
}
