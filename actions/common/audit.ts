import { IdentityFormatError, parseIdentities } from '../../src/audit/identities.js'
import { FieldError } from '../../src/core/errors.js'
import { appendEntry, type AppendResult } from '../../src/audit/append.js'
import type { EntryFields } from '../../src/audit/format.js'
import { openAuditStore } from '../../src/audit/store.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import type { GitRunner } from '../../src/git/git.js'
import type { RunContext } from '../../src/github/context.js'

/** The values of auditCommitInputs (src/core/common-inputs.ts). */
export interface AuditCommitValues {
  token?: string | undefined
  push: boolean
  branch?: string | undefined
  'commit-method': 'git' | 'api'
  'max-attempts': number
  'backoff-ms': number
  'author-name': string
  'author-email': string
}

/** The commit being recorded: the run's, else the checkout's HEAD, else empty. */
export async function headCommit(git: GitRunner, run: RunContext): Promise<string> {
  if (run.sha) return run.sha
  const head = await git.run(['rev-parse', 'HEAD'], { allowFailure: true })
  return head.code === 0 ? head.stdout.trim() : ''
}

/** Appends one entry as the action's inputs say (method, branch, retries), through the one store factory. */
export async function appendFromInputs(
  ctx: ActionContext<AuditCommitValues>,
  target: { git: GitRunner; run: RunContext; repoDir: string; file: string },
  fields: EntryFields
): Promise<AppendResult> {
  const input = ctx.inputs
  const store = await openAuditStore({
    method: input['commit-method'],
    repoDir: target.repoDir,
    file: target.file,
    branch: input.branch,
    push: input.push,
    author: { name: input['author-name'], email: input['author-email'] },
    token: input.token,
    run: target.run,
    env: ctx.env,
    git: target.git,
    logger: ctx.logger
  })
  return appendEntry(
    store,
    fields,
    target.file,
    { maxAttempts: input['max-attempts'], backoffMs: input['backoff-ms'] },
    { logger: ctx.logger, clock: systemClock }
  )
}

/** The audit-identities input as identities; undefined (the suite's own) when empty. */
export function auditIdentities(
  raw: string | undefined
): ReturnType<typeof parseIdentities> | undefined {
  if (!raw) return undefined
  try {
    return parseIdentities(raw)
  } catch (error) {
    if (error instanceof IdentityFormatError)
      throw new FieldError('audit-identities', error.message)
    throw error
  }
}
