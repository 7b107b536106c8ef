import { code, escapeText, heading, markdownTable } from '../core/summary.js'
import type { ResolvedStage } from './resolve-stage.js'
import { moveLabel, type PromotionResult } from './types.js'

export function resultJson(result: PromotionResult): Record<string, unknown> {
  return {
    model: result.model,
    version: result.version,
    previous_version: result.previousVersion,
    stage: result.stage,
    alias: result.aliases.join(','),
    model_uri: result.modelUri,
    run_id: result.runId,
    source: result.source,
    archived_versions: result.archivedVersions,
    changed: result.changed,
    dry_run: result.dryRun,
    rollback: result.rollback,
    propagation_ms: result.propagationMs,
    approved_by: result.approvedBy,
    sign_offs: result.signOffs,
    targets: result.moves.map(moveLabel),
    ...(result.artifact
      ? {
          artifact: {
            digest: result.artifact.digest,
            files: result.artifact.files.length,
            uri: result.artifact.location.uri
          }
        }
      : {}),
    timings_ms: {
      resolve: result.timings.resolveMs,
      checks: result.timings.checksMs,
      write: result.timings.writeMs,
      propagation: result.timings.propagationMs,
      total: result.timings.totalMs
    }
  }
}

/** The job summary: what was asked, and every touched version before and after. */
export function promotionSummary(result: PromotionResult): string {
  const what = result.dryRun
    ? 'Dry run (nothing changed)'
    : result.changed
      ? 'Promoted'
      : 'Already in place (nothing changed)'
  const lines = [
    heading(
      `promote-model: ${escapeText(result.model)} version ${escapeText(result.version)}${result.rollback ? ' (rollback)' : ''}`
    ),
    `${what}: ${result.moves.map(moveLabel).join(' and ')}` +
      (result.previousVersion
        ? `; previous holder: version ${escapeText(result.previousVersion)}`
        : '') +
      (result.changed ? `; visible after ${result.propagationMs} ms` : ''),
    ''
  ]
  const after = new Map(result.after.map(s => [s.version, s]))
  const rows = result.before.map(b => {
    const a = after.get(b.version) ?? b
    return [b.version, b.stage, a.stage, b.aliases.join(', ') || '-', a.aliases.join(', ') || '-']
  })
  lines.push(
    markdownTable(
      ['version', 'stage before', 'stage after', 'aliases before', 'aliases after'],
      rows
    )
  )
  if (result.artifact)
    lines.push(
      '',
      `Artifact: ${code(result.artifact.digest)}, ${result.artifact.files.length} file(s) read from ${code(result.artifact.location.uri)} right before the write, as approved`
    )
  if (result.signOffs.length > 1)
    lines.push(
      '',
      `Signed off: ${escapeText(result.signOffs.map(s => `${s.role} by ${s.login ?? '(none)'} (environment ${s.environment})`).join('; '))}`
    )
  else if (result.approvedBy.length)
    lines.push('', `Approved by: ${escapeText(result.approvedBy.join(', '))}`)
  return lines.join('\n')
}

/** resolve-stage's summary: the target stage, its environment, and who must approve. */
export function stageSummary(resolved: ResolvedStage): string {
  const approval = !resolved.guarded
    ? 'not required'
    : resolved.signOff.length
      ? `sign-off by ${resolved.signOff.map(r => `${r.role} (environment ${r.environment})`).join(', ')}`
      : `required reviewers of ${resolved.environment}`
  // Stage and role names come from the policy file: markdownTable escapes them as data.
  const table = `${heading('Target stage')}\n\n${markdownTable(
    ['stage', 'environment', 'from', 'approval'],
    [[resolved.stage, resolved.environment, resolved.fromStage, approval]]
  )}\n`
  const rule = approvalRule(resolved)
  return rule ? `${table}\n${rule}\n` : table
}

/**
 * How the policy's approvers were read, said once: a policy written for MLflow (the seed's
 * .mlflow/config.yaml lists `approvers` with no further rule) could be taken to need all of them.
 */
function approvalRule(resolved: ResolvedStage): string | undefined {
  if (!resolved.guarded) return undefined
  const from = resolved.policySource ? ` (${escapeText(resolved.policySource)})` : ''
  if (resolved.signOff.length) {
    return (
      `**Approval rule${from}:** each of the ${resolved.signOff.length} \`sign_off\` roles must approve, ` +
      "each through its own environment and by a different person; a role's approvers are GitHub " +
      'logins, or teams written @org/team.'
    )
  }
  const who = resolved.approvers.length
    ? `approvers ${escapeText(resolved.approvers.join(', '))}, each read as a GitHub login, or as a team when written @org/team`
    : `no approvers listed, so any required reviewer of environment ${escapeText(resolved.environment)}`
  return (
    `**Approval rule${from}:** ${who}. One of them must approve: GitHub decides environment ` +
    `${escapeText(resolved.environment)} by its first review. To require each of several people ` +
    'to sign, declare one `sign_off` role per person, each with an environment of its own (docs/policy.md).'
  )
}
