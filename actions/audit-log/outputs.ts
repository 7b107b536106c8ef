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
  'first-bad-reason'
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
