import { parseIdentities, IdentityFormatError, type AuditIdentity } from '../audit/identities.js'
import type { AuditSourceOptions } from '../reconcile/audit-source.js'
import type { CommandContext } from './context.js'
import { UsageError } from './exit-codes.js'

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

/** The history check for reconcile and status: --no-history and --audit-identities; warnings on stderr. */
export function auditTrust(ctx: CommandContext): AuditSourceOptions {
  const identities = cliIdentities(ctx)
  return {
    history: ctx.args.history,
    ...(identities ? { identities } : {}),
    warn: message => ctx.logger.warning(message),
    note: message => ctx.logger.info(message)
  }
}
