/**
 * What the command line means once parsed: the shape every command reads as `ctx.args`. Kept
 * apart from the option table (options.ts) and the parser (args.ts) so both import it and
 * neither imports the other's internals.
 */
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
  /** help: the command whose help was asked for (`status --help`, `help status`). */
  topic?: Command
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
  /** evidence: its --version N is the model version (alone, --version prints the tool's). */
  modelVersion?: string
  format?: string
  out?: string
}

export function emptyArgs(): ParsedArgs {
  return {
    command: 'help',
    positionals: [],
    json: false,
    color: undefined,
    verbose: false,
    models: [],
    history: true,
    checkRuns: false
  }
}
