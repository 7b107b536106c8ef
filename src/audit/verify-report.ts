import { ActionError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { TrailOptions } from './trail.js'
import { verifyAudit, verifyMarkdown, type VerifyAuditResult } from './verify-audit.js'

/** The file input names no file in the workspace (verify and render modes). */
export function auditFileMissing(file: string): FieldError {
  return new FieldError(
    'file',
    `names '${file}', which does not exist in the workspace; check out the branch that holds it`
  )
}

/**
 * audit-log's verify mode around the one verify implementation (verify-audit.ts, shared with
 * the CLI): the verdict in the log, the first findings as annotations on their lines, and the
 * summary. A failure comes back rather than thrown, so the outputs and the summary are set
 * first.
 */
export async function verifyAndReport(
  full: string,
  file: string,
  options: TrailOptions,
  logger: Logger
): Promise<{ result: VerifyAuditResult; summary: string; failure?: ActionError }> {
  const result = await verifyAudit(full, file, options)
  if (!result.trail.exists) throw auditFileMissing(file)
  logger.info(`${file}: ${result.trail.verdict.statement}`)
  // Annotations are capped at 10 per step: the first ones, then the failure.
  for (const f of result.historyFindings.slice(0, 9))
    logger.error?.(`${file} line ${f.line}: ${f.reason}`, { file, line: f.line })
  const unconfirmable = result.runs?.findings.filter(f => f.verdict === 'unconfirmable') ?? []
  for (const f of unconfirmable.slice(0, 5))
    logger.warning(`${file} line ${f.line}: run ${f.run_id}: ${f.reason}`, { file, line: f.line })
  const summary = verifyMarkdown(result, file)
  if (!result.failure) return { result, summary }
  const failure = new ActionError(result.failure.message, {
    location: { file, line: result.failure.line }
  })
  return { result, summary, failure }
}
