import { SIGN_OFF_POLICY } from '../../harness/policies.js'
import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { parsePolicy } from '../../../src/policy/index.js'
import { evaluateApprovals } from '../../../src/promotion/approval-check.js'
import { promote } from '../../../src/promotion/index.js'
import { approval, failure, policyFrom, protectedEnvironment, request, setup } from './helpers.js'

const POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    environment: production
    approvers: [alice, bob, carol]
`
const production = policyFrom(POLICY).stages[1]!

/** Two roles, each through its own environment: what two people clicking "Review deployments" gives. */
const SIGN_OFF = SIGN_OFF_POLICY
const TEAMS = { '@acme/ds-leads': ['alice', 'erin'] }

describe('approval rule', () => {
  it.each([
    ['a listed approver', [approval('alice')], true],
    [
      'a rejection fails even with an approval',
      [approval('alice'), approval('bob', 'rejected')],
      false
    ],
    ['an approver not on the list is not counted', [approval('mallory')], false],
    ['the triggering actor is not counted', [approval('carol')], false],
    [
      'reviews of another environment do not count',
      [approval('bob', 'approved', ['staging'])],
      false
    ],
    ['pending reviews do not count', [approval('bob', 'pending')], false]
  ])('%s', async (_name, approvals, ok) => {
    expect((await evaluateApprovals(production, approvals, ['carol'])).ok).toBe(ok)
  })

  it('counts the actor when allow_self_approval is set', async () => {
    const stage = { ...production, allow_self_approval: true }
    expect((await evaluateApprovals(stage, [approval('carol')], ['carol'])).counted).toEqual([
      'carol'
    ])
  })
})

describe('policy rules GitHub can meet', () => {
  const load = (text: string) => () => parsePolicy(text, 'p.yml', new MemoryLogger())

  it('refuses min_approvals: 2 without sign_off, showing how to write sign_off', () => {
    expect(
      load(
        POLICY.replace(
          'approvers: [alice, bob, carol]',
          'approvers: [alice, bob]\n    min_approvals: 2'
        )
      )
    ).toThrow(
      /p\.yml:3: stage Production has min_approvals: 2, but one environment yields at most one approval per run.*sign_off:\n {2}- role: data-science-lead/s
    )
  })

  it.each([
    ['org/team without @', 'approvers: [acme/ds-leads]'],
    ['a login with a space', "approvers: ['alice smith']"],
    ['an email', 'approvers: [alice@example.com]']
  ])('refuses an approver that cannot be a login or @org/team: %s', (_case, line) => {
    expect(load(POLICY.replace('approvers: [alice, bob, carol]', line))).toThrow(
      /an approver is a GitHub login \(alice\) or a team written @org\/team-slug/
    )
  })

  it('keeps @org/team as a team, and @login as the login', () => {
    const stage = policyFrom(POLICY.replace('[alice, bob, carol]', "['@alice', '@Acme/DS-Leads']"))
      .stages[1]!
    expect(stage.approvers).toEqual(['alice', '@acme/ds-leads'])
  })

  it.each([
    [
      'two roles sharing an environment',
      SIGN_OFF.replace('production-ops', 'production-ds'),
      /names environment 'production-ds' twice/
    ],
    [
      'min_approvals above the roles',
      SIGN_OFF.replace('    sign_off:', '    min_approvals: 3\n    sign_off:'),
      /its sign_off roles can deliver at most 2/
    ],
    [
      'sign_off without requires_approval',
      SIGN_OFF.replace('requires_approval: true', 'requires_approval: false'),
      /declares sign_off but not requires_approval/
    ],
    [
      'approvers beside sign_off',
      SIGN_OFF.replace('    sign_off:', '    approvers: [zed]\n    sign_off:'),
      /has both approvers and sign_off/
    ]
  ])('refuses %s', (_case, text, message) => {
    expect(load(text)).toThrow(message)
  })

  it("accepts the seed's .mlflow/config.yaml block as written", () => {
    const text =
      'model_registry:\n  stages:\n    - name: Staging\n      requires_approval: false\n    - name: Production\n      requires_approval: true\n      approvers: [data-science-lead, mlops-engineer]\n'
    expect(load(text)).not.toThrow()
  })
})

describe('sign-off per role', () => {
  const signOffSetup = (
    approvals: ReturnType<typeof approval>[],
    extra: Parameters<typeof setup>[0] = {}
  ) => {
    const s = setup({ policy: policyFrom(SIGN_OFF), approvals, teams: TEAMS, ...extra })
    s.registry.versions.get('1')!.stage = 'Staging'
    return s
  }
  const ds = (login: string, state = 'approved') => approval(login, state, ['production-ds'])
  const ops = (login: string, state = 'approved') => approval(login, state, ['production-ops'])

  it('promotes when two distinct eligible people sign the two roles, and records each', async () => {
    const { deps, registry } = signOffSetup([ds('alice'), ops('carol')])
    const result = await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(result.signOffs).toEqual([
      {
        role: 'data-science-lead',
        environment: 'production-ds',
        login: 'alice',
        state: 'approved'
      },
      { role: 'mlops-engineer', environment: 'production-ops', login: 'carol', state: 'approved' }
    ])
    expect(registry.stageOf('1')).toBe('Production')
  })

  it.each([
    ['one role missing', [ds('alice')], /mlops-engineer \(environment production-ops\): missing/],
    [
      "an approver outside the role's team",
      [ds('bob'), ops('carol')],
      /not in the stage's approvers: bob/
    ],
    ['a rejection by one role', [ds('alice'), ops('dave', 'rejected')], /Rejected by: dave/]
  ])('refuses %s, changing nothing', async (_case, approvals, message) => {
    const { deps, registry } = signOffSetup(approvals)
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(registry.writes).toEqual([])
  })

  it('refuses one person signing both roles, and says who signed twice', async () => {
    const policy = policyFrom(
      SIGN_OFF.replace('approvers: [carol, dave]', 'approvers: [alice, dave]')
    )
    const { deps, registry } = setup({
      policy,
      approvals: [ds('alice'), ops('alice')],
      teams: TEAMS
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error.message).toMatch(/Signed twice: alice approved more than one role/)
    expect(registry.writes).toEqual([])
  })

  it('refuses, naming the token, when team membership cannot be read', async () => {
    const { deps, registry } = signOffSetup([ds('alice'), ops('carol')], { teams: {} })
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(
      /whether alice belongs to it cannot be established.*GitHub App installation.*Members: read/
    )
    expect(registry.writes).toEqual([])
  })

  it("trusts GitHub when the environment's required reviewers are exactly the role's team", async () => {
    const dsEnv = {
      ...protectedEnvironment('production-ds'),
      reviewers: [{ type: 'Team' as const, name: 'acme/ds-leads' }]
    }
    const { deps, registry } = signOffSetup([ds('alice'), ops('carol')], {
      teams: {},
      environments: { 'production-ds': dsEnv }
    })
    await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(registry.stageOf('1')).toBe('Production')
  })

  it('checks every role environment in GitHub before any write', async () => {
    const { deps, registry } = signOffSetup([ds('alice'), ops('carol')], {
      environments: {
        'production-ops': { ...protectedEnvironment('production-ops'), reviewers: undefined }
      }
    })
    await expect(promote(request({ version: '1', stage: 'Production' }), deps)).rejects.toThrow(
      /Environment 'production-ops' has no required reviewers/
    )
    expect(registry.writes).toEqual([])
  })
})
