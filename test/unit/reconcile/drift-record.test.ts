import { describe, expect, it } from '@jest/globals'
import { ChainChecker } from '../../../src/audit/chain.js'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import { runContext } from '../../../src/github/context.js'
import { driftEntry, describeFinding } from '../../../src/reconcile/drift-record.js'
import type { Finding } from '../../../src/reconcile/reconcile.js'

const finding: Finding = {
  model: 'churn',
  kind: 'alias',
  target: 'champion',
  registry_version: '5',
  audited_version: '3',
  last_updated_timestamp: 1_764_100_000_000,
  last_updated: new Date(1_764_100_000_000).toISOString(),
  user_id: null,
  audit_seq: 12
}

describe('driftEntry', () => {
  const context = runContext({
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_RUN_ID: '9',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'cron-bot'
  })
  const fields = driftEntry(
    finding,
    context,
    'f'.repeat(40),
    'http://mlflow:5000',
    Date.UTC(2026, 10, 26, 7)
  )

  it('records the finding as a failure: registry version as version, audited version as previous', () => {
    expect(fields).toMatchObject({
      event: 'drift-detected',
      outcome: 'failure',
      model: 'churn',
      version: '5',
      to: 'alias:champion',
      previous_version: '3',
      actor: 'cron-bot',
      run_url: 'https://github.com/acme/models/actions/runs/9/attempts/1',
      ts: '2026-11-26T07:00:00.000Z',
      finding
    })
    expect(fields.reason).toBe(describeFinding(finding))
    expect(fields.reason).toContain('is held by v5 in the registry, but the audit log says v3')
  })

  it('is a valid audit line that the chain verifier accepts', () => {
    const checker = new ChainChecker()
    checker.push(Buffer.from(formatLine(fields, 1, GENESIS_PREV)), true)
    expect(checker.finish()).toMatchObject({ valid: true, entries: 1 })
  })

  it('says none for a target nobody holds', () => {
    expect(describeFinding({ ...finding, registry_version: null, user_id: 'mallory' })).toMatch(
      /held by none in the registry, .* by mallory$/
    )
  })
})
