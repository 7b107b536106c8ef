import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/time.js'
import type { RunContext } from '../github/context.js'
import { AppendFailedError, type AppendResult } from './append.js'
import { buildEntry, type EntryInputs } from './build-entry.js'
import type { EntryFields } from './format.js'
import { repositoryPath } from './git-store.js'
import { signedOffApprovals } from './read-approvals.js'
import { appendedSummary } from './summary.js'

export interface AppendEventDeps {
  logger: Logger
  run: RunContext
  env: NodeJS.ProcessEnv
  /** The commit being recorded (the run's, else the checkout's HEAD). */
  headCommit(): Promise<string>
  /** The entry's time, read once the approvals are in. */
  clock: Clock
  /** Reads who approved the run; without a token, nobody is read (and a note says so). */
  token: string | undefined
  /** The sign-off roles input, labelling each approval with its role. */
  signOff: string | undefined
  /** Appends the fields to the checked file through the store the inputs chose. */
  append(file: string, fields: EntryFields): Promise<AppendResult>
}

/**
 * What became of the event: appended, or not; in both cases the job summary to show, since a
 * failed append must still leave the event in the run's record.
 */
export type AppendEventOutcome =
  | { appended: true; result: AppendResult; summary: string }
  | { appended: false; error: unknown; attempts?: number; summary: string }

/**
 * audit-log's append mode: the approvals as GitHub recorded them, the entry built from the
 * inputs (each field checked; a bad one recorded empty and named), printed before any attempt,
 * then appended. The file path is checked after the event is printed, so a bad path does not
 * lose the event.
 */
export async function appendEvent(
  input: EntryInputs,
  fileInput: string,
  deps: AppendEventDeps
): Promise<AppendEventOutcome> {
  const { logger } = deps
  const notes: string[] = []
  const approvals = await signedOffApprovals(deps.token, deps.run, deps.signOff, logger, notes)
  const head = await deps.headCommit()
  const built = buildEntry(input, deps.run, approvals, head, deps.clock.now(), deps.env)
  notes.push(...built.notes)
  for (const warning of built.warnings) logger.warning(warning)
  for (const bad of built.invalid)
    logger.warning(
      `Input '${bad.input}' ${bad.reason}; the event is recorded with ${bad.field} left empty and named in 'invalid'. ` +
        `Fix what the workflow passes as '${bad.input}'`
    )
  // Printed before any attempt, so the event survives in the log whatever happens next.
  logger.info(`Audit event: ${JSON.stringify(built.fields)}`)
  const summary = (file: string, line: string, result?: AppendResult): string =>
    [appendedSummary(file, line, result), ...notes].join('\n\n')
  let file = 'the audit log'
  try {
    file = repositoryPath(fileInput)
    const result = await deps.append(file, built.fields)
    logger.info(
      `Recorded line ${result.seq} of ${file} in ${result.commitSha} after ${result.attempts} attempt(s)`
    )
    return { appended: true, result, summary: summary(file, result.line, result) }
  } catch (error) {
    const failed = error instanceof AppendFailedError ? error : undefined
    return {
      appended: false,
      error,
      ...(failed ? { attempts: failed.attempts } : {}),
      summary: summary(file, failed?.line || JSON.stringify(built.fields))
    }
  }
}
