import { runFields } from '../audit/run-fields.js'
import type { EntryFields } from '../audit/format.js'
import type { RunContext } from '../github/context.js'
import type { Finding } from './reconcile.js'

const show = (version: string | null): string => (version === null ? 'none' : `v${version}`)

/** One sentence a reader of the audit log understands without the finding's JSON. */
export function describeFinding(f: Finding): string {
  const when = f.last_updated ? `, registry last updated ${f.last_updated}` : ''
  const who = f.user_id ? ` by ${f.user_id}` : ''
  return (
    `Out-of-band change: ${f.kind} '${f.target}' of '${f.model}' is held by ${show(f.registry_version)} in the registry, ` +
    `but the audit log says ${show(f.audited_version)}${when}${who}`
  )
}

/**
 * The `drift-detected` event for one finding. It records what the registry holds (`version`),
 * what the log says should (`previous_version`) and the finding itself; it is an outcome
 * `failure` and reconcile ignores these events when it replays the log, so recording a finding
 * never makes the out-of-band state count as audited.
 */
export function driftEntry(
  finding: Finding,
  context: RunContext,
  gitCommit: string,
  registry: string,
  nowMs: number
): EntryFields & { finding: Finding } {
  return {
    ts: new Date(nowMs).toISOString(),
    event: 'drift-detected',
    outcome: 'failure',
    model: finding.model,
    version: finding.registry_version ?? '',
    from: '',
    to: `${finding.kind}:${finding.target}`,
    previous_version: finding.audited_version ?? '',
    approvals: [],
    reason: describeFinding(finding),
    ...runFields(context),
    git_commit: gitCommit,
    lineage: { lock_sha256: '', model_md5: '', verified: null },
    metrics: null,
    gates: null,
    registry,
    finding
  }
}
