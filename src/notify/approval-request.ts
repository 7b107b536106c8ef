import { approvedBytesSection, type ArtifactToApprove } from './approved-bytes.js'
import type { Fact, Link, NotificationMessage, Section } from './message.js'
import { summarizeGateReport, summarizeLineageReport } from './reports.js'

/** One role that must sign off, as the policy names it (signOffRoles). */
export interface RoleToSign {
  role: string
  environment: string
  /** Logins and @org/team names; empty means any required reviewer of the environment. */
  approvers: string[]
}

export interface ApprovalRequest {
  model: string
  version: string
  stage: string
  reason: string
  roles: RoleToSign[]
  /** validate-metrics' `report` output, when the gate ran. */
  gateReport?: string | undefined
  /** lineage-check's `report` output, when the lineage check ran. */
  lineageReport?: string | undefined
  /** The run's page with "Review deployments". */
  reviewUrl?: string | undefined
  /** The digest of the version's artifact that validation computed, and its manifest. */
  artifact?: ArtifactToApprove | undefined
  /** A rollback: the version restored is `version`, replacing `replacing` (resolved in validation). */
  rollback?: { replacing: string } | undefined
}

export interface BuiltMessage {
  message: NotificationMessage
  /** Things the message could not show (an unreadable report): the action warns about each. */
  problems: { about: 'gate-report' | 'lineage-report' | 'artifact'; problem: string }[]
}

/**
 * The approval request: what is to be promoted, who must sign off, what the checks found, why,
 * and where to click. Reviewers act on it, so it carries the verdicts, not only a link.
 */
export function approvalRequestMessage(request: ApprovalRequest): BuiltMessage {
  const problems: BuiltMessage['problems'] = []
  const rollback = request.rollback
  const facts: Fact[] = [
    { label: 'Model', value: request.model },
    {
      label: 'Version',
      value: rollback
        ? `${request.version} (rollback${rollback.replacing ? `, replacing version ${rollback.replacing}` : ''})`
        : request.version
    },
    { label: 'Target stage', value: request.stage },
    { label: 'Justification', value: request.reason.trim() || '(none given)' }
  ]
  const sections: Section[] = []
  sections.push({
    heading:
      request.roles.length === 0
        ? 'Sign-off: none required by the policy'
        : `Sign-off: ${request.roles.length} role${request.roles.length === 1 ? '' : 's'}, each by a different person`,
    lines: request.roles.map(
      r =>
        `${r.role}: environment ${r.environment}, ${r.approvers.length > 0 ? `approvers ${r.approvers.join(', ')}` : "any of the environment's required reviewers"}`
    )
  })
  const data: Record<string, unknown> = {
    model: request.model,
    version: request.version,
    stage: request.stage,
    reason: request.reason,
    roles: request.roles
  }
  for (const [about, text, summarize] of [
    ['gate-report', request.gateReport, summarizeGateReport],
    ['lineage-report', request.lineageReport, summarizeLineageReport]
  ] as const) {
    if (!text?.trim()) continue
    const summary = summarize(text)
    if (summary.ok) {
      sections.push(summary.section)
      data[about === 'gate-report' ? 'gate' : 'lineage'] = {
        passed: summary.passed,
        ...(about === 'lineage-report'
          ? { level: summary.level ?? null, min_level: summary.minLevel ?? null }
          : {}),
        lines: summary.section.lines
      }
      // The level is also one of the facts, beside the model and version: in a chat client's
      // preview the facts are what shows first.
      if (about === 'lineage-report')
        facts.push({
          label: 'Lineage level',
          value:
            summary.level === null || summary.level === undefined
              ? 'not recorded (lineage-check reported no level)'
              : `${summary.level} of 4 (1 is the strongest)`
        })
    } else {
      problems.push({ about, problem: summary.problem })
      sections.push({
        heading:
          about === 'gate-report'
            ? 'Metric gate: report unreadable'
            : 'DVC lineage: report unreadable',
        lines: []
      })
    }
  }
  if (rollback) data.rollback = { restores: request.version, replacing: rollback.replacing }
  if (request.artifact?.artifact.trim()) {
    const bytes = approvedBytesSection(request.artifact)
    if ('problem' in bytes) {
      problems.push({ about: 'artifact', problem: bytes.problem })
      sections.push({ heading: 'Approved bytes: the digest is unreadable', lines: [] })
    } else {
      facts.push({ label: 'Artifact digest', value: bytes.digest })
      sections.push(bytes.section)
      data.artifact = bytes.data
    }
  }
  const links: Link[] = request.reviewUrl
    ? [{ label: 'Review deployments', url: request.reviewUrl }]
    : []
  if (request.reviewUrl) data.review_url = request.reviewUrl
  return {
    message: {
      kind: 'approval-requested',
      status: 'pending',
      title: rollback
        ? `Approval requested: roll back ${request.model} ${request.stage} to v${request.version}${rollback.replacing ? ` (from v${rollback.replacing})` : ''}`
        : `Approval requested: ${request.model} v${request.version} → ${request.stage}`,
      facts,
      sections,
      links,
      data
    },
    problems
  }
}
