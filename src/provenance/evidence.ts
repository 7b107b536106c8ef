import type { AuditApproval, AuditEntry } from '../audit/entry.js'
import type { TrustReport } from '../audit/trust.js'
import type { CheckVerdict, EntryStanding, TrustVerdict } from '../audit/verdict.js'
import type { Policy } from '../policy/index.js'
import type { LockAtCommit } from './lock-at-commit.js'
import { commitDifference } from './commit-check.js'
import { NO_GITHUB_STATEMENT } from '../audit/run-verdict.js'
import { reproduceCommands } from './reproduce.js'
import { holderTimeline, type HolderSpan } from './timeline.js'
import type { TrainingFacts } from './training.js'
import { versionRecord, type RecordedLineage } from './version-record.js'

/** Said in place of a level when no promotion of the version recorded a lineage. */
export const NO_LINEAGE_TEXT = 'no promotion of this version recorded its lineage'

/** One gate row as validate-metrics reported it (its `report` output), fields as text. */
export interface EvidenceGate {
  metric: string
  check: string
  rule: string
  observed: string
  champion: string
  verdict: string
  reason: string
}

export interface EvidenceEvent {
  seq: number
  ts: string
  event: string
  outcome: string
  from: string
  to: string
  previous_version: string
  actor: string
  reason: string
  run_url: string
  git_commit: string
  /** The history check's finding on this line, or null: a flagged entry is shown, never used. */
  history_finding: string | null
  /** The run check's failed findings on this line (GitHub's record contradicts it), or null. */
  github_finding: string | null
}

export interface EvidencePromotion {
  seq: number
  ts: string
  event: string
  from: string
  to: string
  actor: string
  triggered_by: string
  reason: string
  run_url: string
  run_id: string
  workflow_ref: string
  git_commit: string
  approvals: AuditApproval[]
  /**
   * How far GitHub's record backs this promotion and so its approvals: `governed` (the run
   * check confirmed the run, its approvals and the binding), `unbacked` (the check could not
   * confirm it), `not-checked` (no token). Refused entries are never promotions here.
   */
  github: EntryStanding | 'not-checked'
  gates: EvidenceGate[]
  metrics: { name: string; value: string }[]
  lineage: RecordedLineage | null
}

export interface EvidenceVerification {
  valid: boolean
  chain_valid: boolean
  entries: number
  head_sha256: string
  first_bad_line: number | null
  first_bad_reason: string | null
  first_bad_commit: string | null
  history_checked: boolean
  history_skipped: string | null
  history_commits: number | null
  history_findings: { line: number; commit: string; reason: string }[]
  /** The run check (GitHub's record): verified, findings, or not-available with the reason. */
  github: CheckVerdict
  /** The verdict every reader prints (src/audit/trail-verdict.ts): which checks ran, which could not. */
  trust?: TrustVerdict
}

export interface EvidenceTarget {
  kind: 'stage' | 'alias'
  name: string
  spans: HolderSpan[]
}

/** The evidence pack: the JSON form, and the one object the markdown and HTML render. */
export interface EvidencePack {
  format: 'model-governance-evidence/1'
  generated_at: string
  model: string
  version: string
  audit_file: string
  verification: EvidenceVerification
  events: EvidenceEvent[]
  promotions: EvidencePromotion[]
  lineage: RecordedLineage | null
  /** lineage-check's level for this version (1 strongest … 4 no link), null when not recorded. */
  lineage_level: 1 | 2 | 3 | 4 | null
  /** The level in words, or plainly that no lineage, or no level, was recorded. */
  lineage_level_text: string
  training: TrainingFacts | null
  /** The commit lineage was checked at (the data and reproduce commands are its), or null. */
  lineage_commit: string | null
  /** Said when the training run's commit differs from the lineage commit, else null. */
  commit_note: string | null
  data: LockAtCommit | null
  reproduce: string[]
  timeline: EvidenceTarget[]
}

const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)

/** Gate rows as recorded; anything not a list of objects is kept as one row of raw text. */
export function gateRows(gates: unknown): EvidenceGate[] {
  if (gates === null || gates === undefined) return []
  if (!Array.isArray(gates))
    return [
      {
        metric: '',
        check: '',
        rule: text(gates),
        observed: '',
        champion: '',
        verdict: '',
        reason: ''
      }
    ]
  return gates.map(g => {
    const r = (g && typeof g === 'object' ? g : { rule: g }) as Record<string, unknown>
    return {
      metric: text(r.metric),
      check: text(r.check),
      rule: text(r.rule),
      observed: text(r.observed),
      champion: text(r.champion),
      verdict: text(r.verdict),
      reason: text(r.reason)
    }
  })
}

export function metricRows(metrics: unknown): { name: string; value: string }[] {
  if (metrics === null || metrics === undefined) return []
  if (typeof metrics !== 'object' || Array.isArray(metrics))
    return [{ name: '', value: text(metrics) }]
  return Object.entries(metrics as Record<string, unknown>).map(([name, value]) => ({
    name,
    value: text(value)
  }))
}

function approvalsOf(list: unknown): AuditApproval[] {
  if (!Array.isArray(list)) return []
  return list.map(a => {
    const r = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>
    return {
      login: text(r.login),
      state: text(r.state),
      comment: text(r.comment),
      environments: Array.isArray(r.environments) ? r.environments.map(text) : [],
      ...(r.role !== undefined ? { role: text(r.role) } : {})
    }
  })
}

export interface EvidenceInput {
  model: string
  version: string
  auditFile: string
  /** Every entry whose chain verified, in file order (line = index + 1). */
  entries: AuditEntry[]
  report: TrustReport
  /** The trusted reader's verdict, and the lines it does not count, with why (trail.ts). */
  trust?: TrustVerdict
  notCounted?: Map<number, string>
  policy: Policy
  training: TrainingFacts | null
  data: LockAtCommit | null
  repository?: string
  now: Date
  /** The run check's verdict and per-line standings (githubTrust); absent: not available. */
  github?: {
    verdict: CheckVerdict
    standings: Map<number, EntryStanding>
    findings: { line: number; part: string; reason: string; verdict: string }[]
  }
}

/**
 * Builds the pack from verified entries: the version's events (entries the history check flags
 * are listed with the finding, but never feed its promotions, lineage or timeline).
 */
export function buildEvidence(input: EvidenceInput): EvidencePack {
  const { report } = input
  const findings = 'findings' in report.history ? report.history.findings : []
  // Lines the trusted reader does not count (src/audit/trail.ts), else the verify findings.
  const findingOf = new Map<number, string>(input.notCounted ?? [])
  if (!input.notCounted)
    for (const f of findings) if (!findingOf.has(f.line)) findingOf.set(f.line, f.reason)
  // A line GitHub's record contradicts is listed with the finding, never used either.
  const githubFindingOf = new Map<number, string>()
  for (const f of input.github?.findings ?? [])
    if (f.verdict === 'failed' && !githubFindingOf.has(f.line))
      githubFindingOf.set(f.line, `${f.part}: ${f.reason}`)
  const standingOf = (seq: number): EntryStanding | 'not-checked' =>
    input.github ? (input.github.standings.get(seq) ?? 'unbacked') : 'not-checked'
  const trusted = input.entries.filter(
    (_, i) => !findingOf.has(i + 1) && !githubFindingOf.has(i + 1)
  )
  const record = versionRecord(trusted, input.model, input.version)
  const events: EvidenceEvent[] = []
  input.entries.forEach((e, i) => {
    if (e.model !== input.model || text(e.version) !== input.version) return
    events.push({
      seq: Number(e.seq),
      ts: text(e.ts),
      event: text(e.event),
      outcome: text(e.outcome),
      from: text(e.from),
      to: text(e.to),
      previous_version: text(e.previous_version),
      actor: text(e.actor),
      reason: text(e.reason),
      run_url: text(e.run_url),
      git_commit: text(e.git_commit),
      history_finding: findingOf.get(i + 1) ?? null,
      github_finding: githubFindingOf.get(i + 1) ?? null
    })
  })
  const promotions: EvidencePromotion[] = record.promotions.map(p => ({
    seq: p.seq,
    ts: p.ts,
    event: p.event,
    from: p.from,
    to: p.to,
    actor: p.actor,
    triggered_by: p.triggered_by,
    reason: p.reason,
    run_url: p.run_url,
    run_id: p.run_id,
    workflow_ref: p.workflow_ref,
    git_commit: p.git_commit,
    approvals: approvalsOf(p.approvals),
    github: standingOf(p.seq),
    gates: gateRows(p.gates),
    metrics: metricRows(p.metrics),
    lineage: p.lineage
  }))
  const history = report.history
  const commit = record.lineage?.commit || promotions[promotions.length - 1]?.git_commit || null
  return {
    format: 'model-governance-evidence/1',
    generated_at: input.now.toISOString(),
    model: input.model,
    version: input.version,
    audit_file: input.auditFile,
    verification: {
      valid: report.valid,
      chain_valid: report.chain.valid,
      entries: report.chain.entries,
      head_sha256: report.chain.headSha256,
      first_bad_line: report.firstBad?.line ?? null,
      first_bad_reason: report.firstBad?.reason ?? null,
      first_bad_commit: report.firstBad?.commit ?? null,
      history_checked: !('skipped' in history),
      history_skipped: 'skipped' in history ? history.skipped : null,
      history_commits: 'commits' in history ? history.commits : null,
      history_findings: findings.map(f => ({ line: f.line, commit: f.commit, reason: f.reason })),
      github: input.github?.verdict ?? {
        state: 'not-available',
        note: `${NO_GITHUB_STATEMENT}.`
      },
      ...(input.trust ? { trust: input.trust } : {})
    },
    events,
    promotions,
    lineage: record.lineage,
    lineage_level: record.lineage?.level ?? null,
    lineage_level_text: record.lineage?.level_text ?? NO_LINEAGE_TEXT,
    training: input.training,
    lineage_commit: commit,
    commit_note: commitDifference(input.training?.source_commit, commit),
    data: input.data,
    reproduce: reproduceCommands(commit, input.repository),
    timeline: holderTimeline(trusted, input.model, input.policy).map(t => ({
      kind: t.target.kind,
      name: t.target.name,
      spans: t.spans
    }))
  }
}
