import { existsSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { createMlflowClient, type MlflowClient } from '../mlflow/index.js'
import type { Policy } from '../policy/index.js'
import { policyResolver } from '../policy/index.js'
import type { ParsedArgs } from './args.js'
import type { CliIo } from './io.js'
import { terminalSafe } from './mask.js'
import { styler, type Styler } from './table.js'

export type { CliIo } from './io.js'

export interface CommandContext {
  args: ParsedArgs
  io: CliIo
  style: Styler
  logger: Logger
  /** The repository whose AUDIT.log and policy are read: --repo, else the git root above cwd. */
  root: string
  /** Masks a value in everything printed from now on (the runner's setSecret, for the CLI). */
  addSecret(value: string): void
  out(text: string): void
}

/** Prefixed, to stderr, so stdout stays the command's result (a table or JSON). */
export function stderrLogger(io: CliIo, verbose: boolean, style: Styler = styler(false)): Logger {
  const say = (prefix: string, message: string): void =>
    io.stderr.write(`${prefix}${terminalSafe(message)}\n`)
  return {
    debug: message => (verbose ? say(style.paint('debug: ', 'dim'), message) : undefined),
    info: message => (verbose ? say('', message) : undefined),
    warning: message => say(style.paint('warning: ', 'yellow'), message),
    notice: message => say('note: ', message),
    error: message => say(style.paint('error: ', 'red'), message)
  }
}

/** The nearest directory at or above `from` holding .git (a file in worktrees), else `from`. */
export function repositoryRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir
    if (path.dirname(dir) === dir) return path.resolve(from)
  }
}

/** The audit log: a path given on the command line is relative to cwd; the default sits at the root. */
export function auditPath(ctx: CommandContext, given?: string): { full: string; label: string } {
  const explicit = given ?? ctx.args.file
  if (explicit) return { full: path.resolve(ctx.io.cwd, explicit), label: explicit }
  return { full: path.join(ctx.root, 'AUDIT.log'), label: 'AUDIT.log' }
}

// One policy read per command, however many readers ask (the trail's run check, the command
// itself): the file is parsed once and its notices are said once.
const resolvers = new WeakMap<CommandContext, (model: string) => Policy>()

export function policyFor(ctx: CommandContext): (model: string) => Policy {
  const known = resolvers.get(ctx)
  if (known) return known
  const explicit = ctx.args.policy
  const resolver = policyResolver({
    policyFile: explicit,
    workspace: explicit ? ctx.io.cwd : ctx.root,
    logger: ctx.logger
  })
  resolvers.set(ctx, resolver)
  return resolver
}

/**
 * The same connection code as the actions, fed only by MLflow's environment variables
 * (MLFLOW_TRACKING_URI, _USERNAME, _PASSWORD, _TOKEN, _INSECURE_TLS, _SERVER_CERT_PATH,
 * _CLIENT_CERT_PATH). Its secrets are masked in everything the CLI prints (mask.ts).
 */
export function mlflowClient(ctx: CommandContext): MlflowClient {
  if (!ctx.io.env.MLFLOW_TRACKING_URI?.trim()) {
    throw new ConfigurationError(
      "MLFLOW_TRACKING_URI is not set; export it as for MLflow's client, e.g. MLFLOW_TRACKING_URI=https://mlflow.example.com"
    )
  }
  return createMlflowClient({}, ctx.io.env, ctx.logger, value => ctx.addSecret(value))
}
