import type { VerifyAuditResult } from '../../src/audit/verify-audit.js'
import type { AppendResult } from '../../src/audit/append.js'
import type { ChainResult } from '../../src/audit/chain.js'
import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'

/** Names are exactly audit-log/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs([
  'entry',
  'sha256',
  'seq',
  'commit-sha',
  'attempts',
  'entries',
  'head-sha256',
  'valid',
  'first-bad-line',
  'first-bad-reason',
  'history-findings',
  'run-findings'
])

type Values = OutputValues<typeof outputs>

export function appendOutputs(result: AppendResult): Values {
  return {
    entry: result.line,
    sha256: result.sha256,
    seq: result.seq,
    'commit-sha': result.commitSha,
    attempts: result.attempts
  }
}

export function chainOutputs(chain: ChainResult): Values {
  return {
    entries: chain.entries,
    'head-sha256': chain.headSha256,
    valid: chain.valid,
    'first-bad-line': chain.firstBad?.line ?? '',
    'first-bad-reason': chain.firstBad?.reason ?? ''
  }
}

/** verify mode: the chain, then the history check and (with a token) the run check. */
export function trailOutputs(result: VerifyAuditResult): Values {
  const { report } = result.trail
  return {
    entries: report.chain.entries,
    'head-sha256': report.chain.headSha256,
    valid: result.valid,
    'first-bad-line': report.firstBad?.line ?? '',
    'first-bad-reason': report.firstBad?.reason ?? '',
    'history-findings': JSON.stringify(result.historyFindings),
    'run-findings': result.runs ? JSON.stringify(result.runs.findings) : ''
  }
}
