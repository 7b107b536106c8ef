import { parseIdentities, IdentityFormatError, type AuditIdentity } from '../audit/identities.js'
import type { TrailOptions } from '../audit/trail.js'
import type { AuditSourceOptions } from '../reconcile/audit-source.js'
import type { CommandContext } from './context.js'
import { UsageError } from './exit-codes.js'
import { CLI_GITHUB_UNAVAILABLE, cliGithubCheck } from './run-check.js'

/** --audit-identities as identities (the suite's own when absent). */
export function cliIdentities(ctx: CommandContext): AuditIdentity[] | undefined {
  if (ctx.args.auditIdentities === undefined) return undefined
  try {
    return parseIdentities(ctx.args.auditIdentities)
  } catch (error) {
    if (error instanceof IdentityFormatError)
      throw new UsageError(`Option --audit-identities: ${error.message}`)
    throw error
  }
}

/**
 * The trusted reader's settings, the same for every command that reads the trail (status,
 * history, reconcile, resolve, evidence, verify-audit): --no-history, --audit-identities and
 * --check-runs. So the same command line gives the same verdict in each.
 */
export function cliTrailOptions(ctx: CommandContext): TrailOptions {
  const identities = cliIdentities(ctx)
  const github = cliGithubCheck(ctx)
  return {
    history: ctx.args.history,
    ...(identities ? { identities } : {}),
    ...(github ? { github } : { githubUnavailable: CLI_GITHUB_UNAVAILABLE })
  }
}

/** The same for reconcile, status and resolve: warnings and the trust statement on stderr. */
export function auditTrust(ctx: CommandContext): AuditSourceOptions {
  const options = cliTrailOptions(ctx)
  return {
    ...(options.history !== undefined ? { history: options.history } : {}),
    ...(options.identities ? { identities: options.identities } : {}),
    ...(options.github ? { github: options.github } : {}),
    ...(options.githubUnavailable ? { githubUnavailable: options.githubUnavailable } : {}),
    warn: message => ctx.logger.warning(message),
    // Not only with --verbose: which checks ran, and which could not, is part of every answer.
    note: message => ctx.logger.notice(message)
  }
}
