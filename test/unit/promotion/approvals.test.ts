import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { evaluateApprovals } from '../../../src/promotion/approval-check.js'
import { promote } from '../../../src/promotion/index.js'
import { approval, failure, policyFrom, request, setup } from './helpers.js'

const POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    environment: production
    approvers: [alice, bob, carol]
    min_approvals: 2
`
const production = policyFrom(POLICY).stages[1]!

describe('approval rule', () => {
  it.each([
    ['two listed approvers', [approval('alice'), approval('bob')], true],
    ['the same approver twice counts once', [approval('alice'), approval('Alice')], false],
    [
      'a rejection fails even with enough approvals',
      [approval('alice'), approval('bob'), approval('carol', 'rejected')],
      false
    ],
    ['an approver not on the list is not counted', [approval('alice'), approval('mallory')], false],
    ['the triggering actor is not counted', [approval('alice'), approval('carol')], false],
    [
      'reviews of another environment do not count',
      [approval('alice'), approval('bob', 'approved', ['staging'])],
      false
    ],
    ['pending reviews do not count', [approval('alice'), approval('bob', 'pending')], false]
  ])('%s', (_name, approvals, ok) => {
    expect(evaluateApprovals(production, approvals, ['carol']).ok).toBe(ok)
  })

  it('counts the actor when allow_self_approval is set', () => {
    const stage = { ...production, allow_self_approval: true }
    expect(
      evaluateApprovals(stage, [approval('alice'), approval('carol')], ['carol']).counted
    ).toEqual(['alice', 'carol'])
  })
})

describe('promote with a stage that requires approval', () => {
  it('fails before touching the registry, listing who approved and who may approve', async () => {
    const { registry, deps, approvalCalls } = setup({
      policy: policyFrom(POLICY),
      approvals: [approval('alice'), approval('mallory'), approval('carol')],
      actor: 'carol'
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(approvalCalls).toEqual(['acme/models#42'])
    expect(error.message).toMatch(/requires 2 approvals from its approvers; counted 1 \(alice\)/)
    expect(error.message).toMatch(/not in the stage's approvers: mallory/)
    expect(error.message).toMatch(/started this run \(carol\).*: carol/)
    expect(error.message).toMatch(/Who may approve: alice, bob, carol of environment production \(not carol\)/)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(registry.writes).toEqual([])
  })

  it('promotes and records the approvers when the rule is met', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(POLICY),
      approvals: [approval('alice'), approval('bob')]
    })
    registry.versions.get('1')!.stage = 'Staging'
    const result = await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(result.approvedBy).toEqual(['alice', 'bob'])
    expect(registry.versions.get('1')!.tags.get('mg.approved_by')).toBe('alice,bob')
  })

  it('needs the run context', async () => {
    const { registry, deps } = setup({ policy: policyFrom(POLICY) })
    registry.versions.get('1')!.stage = 'Staging'
    deps.run = { serverUrl: 'https://github.com', apiUrl: 'https://api.github.com' }
    await expect(promote(request({ version: '1', stage: 'Production' }), deps)).rejects.toThrow(
      ConfigurationError
    )
  })

  it('checks approvals in a dry run too', async () => {
    const { registry, deps, approvalCalls } = setup({ policy: policyFrom(POLICY), approvals: [] })
    registry.versions.get('1')!.stage = 'Staging'
    await expect(
      promote(request({ version: '1', stage: 'Production', dryRun: true }), deps)
    ).rejects.toThrow(/counted 0/)
    expect(approvalCalls.length).toBe(1)
  })
})
