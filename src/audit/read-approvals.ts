import { errorMessage } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { escapeText } from '../core/summary.js'
import { createApprovalsClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import type { AuditApproval } from './entry.js'
import { labelRoles } from './sign-off.js'

/**
 * The run's deployment reviews for an append. The event is recorded even when they cannot be
 * read (losing the entry would be worse than recording it without reviews): `notes` says why
 * `approvals` is empty.
 */
export async function readRunApprovals(
  token: string | undefined,
  context: RunContext,
  logger: Logger,
  notes: string[]
): Promise<AuditApproval[]> {
  if (!token) {
    notes.push(
      "No `token` was given, so `approvals` is empty; pass `token: ${{ github.token }}` with `actions: read` to record the run's deployment reviews."
    )
    return []
  }
  if (!context.owner || !context.repo || !context.runId) {
    notes.push(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set, so the approvals of this run cannot be read; `approvals` is empty.'
    )
    return []
  }
  try {
    return await createApprovalsClient(token, context.apiUrl).listApprovals(
      context.owner,
      context.repo,
      context.runId
    )
  } catch (error) {
    logger.warning(errorMessage(error))
    notes.push(
      `The approvals could not be read (${escapeText(errorMessage(error))}); \`approvals\` is empty.`
    )
    return []
  }
}

/** The run's reviews labelled with the roles `sign-off` names (sign-off.ts); a labelling note is warned and kept. */
export async function signedOffApprovals(
  token: string | undefined,
  context: RunContext,
  signOff: string | undefined,
  logger: Logger,
  notes: string[]
): Promise<AuditApproval[]> {
  const labelled = labelRoles(await readRunApprovals(token, context, logger, notes), signOff)
  if (labelled.note) {
    logger.warning(labelled.note)
    notes.push(labelled.note)
  }
  return labelled.approvals
}
