import { code, escapeText, heading, markdownTable } from '../core/summary.js'
import type { ApprovalPlan } from './approval-plan.js'

/** Up to this many files, each file's sha256 is listed; beyond, the count and the manifest's digest. */
export const LISTED_FILES = 20

/**
 * The validate job's summary of what the reviewers approve: the version (for a rollback, which
 * one is restored and which it replaces), and the bytes: digest, file count, where they were read
 * and, for a small manifest, each file's sha256. Paths and URIs come from a store: escaped.
 */
export function approvalPlanSummary(plan: ApprovalPlan): string {
  const { artifact } = plan
  const what = plan.rollback
    ? `Rollback of ${escapeText(plan.target)}: restores version ${escapeText(plan.version)}` +
      (plan.current ? `, replacing version ${escapeText(plan.current)}` : '')
    : `Version ${escapeText(plan.version)} for ${escapeText(plan.target)}` +
      (plan.current ? ` (held now by version ${escapeText(plan.current)})` : '')
  const lines = [
    heading(
      `What the reviewers approve: ${escapeText(plan.model)} version ${escapeText(plan.version)}`
    ),
    '',
    what,
    '',
    `- Artifact digest: ${code(artifact.digest)}`,
    `- Files: ${artifact.files.length}, ${artifact.files.reduce((n, f) => n + f.size, 0)} bytes`,
    `- Read from: ${code(artifact.location.uri)} (${escapeText(artifact.location.via)})`
  ]
  if (plan.recorded)
    lines.push(`- Same digest as recorded at its promotion: ${escapeText(plan.recorded.from)}`)
  for (const note of plan.notes) lines.push(`- ${escapeText(note)}`)
  lines.push('')
  if (artifact.files.length <= LISTED_FILES)
    lines.push(
      markdownTable(
        ['file', 'sha256', 'bytes'],
        artifact.files.map(f => [f.path, f.sha256, f.size])
      )
    )
  else
    lines.push(
      `${artifact.files.length} files: the manifest (the artifact-manifest output, one \`<sha256>  <path>\` line per file) hashes to the digest above.`
    )
  return `${lines.join('\n')}\n`
}
