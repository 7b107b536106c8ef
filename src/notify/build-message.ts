import { ConfigurationError, extendError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { RunContext } from '../github/context.js'
import { findStage, loadPolicy } from '../policy/index.js'
import type { Announcement } from './announcement.js'
import { approvalRequestMessage } from './approval-request.js'
import { commitUrl, reviewDeploymentsUrl } from './links.js'
import type { NotificationMessage } from './message.js'
import { outcomeMessage, parseOutcomeEntry } from './outcome.js'
import { rolesToSign } from './roles.js'

export interface MessageSources {
  /** The policy-file input (empty: the default search), for the roles that must sign off. */
  policyFile: string | undefined
  workspace: string
  run: RunContext
  logger: Logger
}

export interface MessageBuild {
  /** Undefined when nothing could be built (an outcome whose entry is unreadable). */
  message: NotificationMessage | undefined
  /**
   * What the message could not say, each naming its input. A notification is never worth a
   * failed promotion, so these are returned, never thrown: the action warns about each, or
   * fails with fail-on-error.
   */
  problems: ConfigurationError[]
}

/**
 * The message for an announcement: the outcome from audit-log's entry, or the approval request
 * from the reports and the policy's sign-off roles for the stage. A policy that cannot be read
 * costs the list of roles, not the message.
 */
export function buildNotification(
  announcement: Announcement,
  sources: MessageSources
): MessageBuild {
  const problems: ConfigurationError[] = []
  if (announcement.kind === 'outcome') {
    const parsed = parseOutcomeEntry(announcement.entry)
    if (!parsed.ok)
      return { message: undefined, problems: [new FieldError('entry', parsed.problem)] }
    const sha = announcement.auditCommit
    const link = sha ? commitUrl(sources.run, parsed.entry.repository, sha) : undefined
    if (sha && !link)
      problems.push(
        new FieldError('audit-commit', "is not a commit SHA; pass audit-log's commit-sha output")
      )
    return { message: outcomeMessage(parsed.entry, link), problems }
  }
  let roles: ReturnType<typeof rolesToSign> = []
  try {
    const policy = loadPolicy({
      policyFile: sources.policyFile,
      workspace: sources.workspace,
      model: announcement.model,
      logger: sources.logger
    })
    const stage = findStage(policy, announcement.stage)
    if (!stage)
      problems.push(
        new FieldError(
          'stage',
          `is '${announcement.stage}', which is not a stage of ${policy.source ?? 'the default policy'}; the message lists no roles`
        )
      )
    roles = rolesToSign(stage)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    problems.push(extendError(error, 'The message lists no roles'))
  }
  const reviewUrl = reviewDeploymentsUrl(sources.run)
  if (!reviewUrl)
    sources.logger.warning(
      'GITHUB_REPOSITORY or GITHUB_RUN_ID is not set; the message has no link to the run'
    )
  const built = approvalRequestMessage({
    model: announcement.model,
    version: announcement.version,
    stage: announcement.stage,
    reason: announcement.reason,
    roles,
    gateReport: announcement.gateReport,
    lineageReport: announcement.lineageReport,
    reviewUrl,
    artifact: announcement.artifact
      ? { artifact: announcement.artifact, manifest: announcement.artifactManifest }
      : undefined,
    rollback: announcement.rollback
  })
  for (const p of built.problems)
    problems.push(new FieldError(p.about, `${p.problem}; the message says it is unreadable`))
  return { message: built.message, problems }
}
