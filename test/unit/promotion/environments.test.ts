import { describe, expect, it } from '@jest/globals'
import { ActionError, ConfigurationError } from '../../../src/core/errors.js'
import type { EnvironmentSettings } from '../../../src/github/environment.js'
import { promote } from '../../../src/promotion/index.js'
import { resolveStage } from '../../../src/promotion/resolve-stage.js'
import { approval, failure, policyFrom, protectedEnvironment, request, setup } from './helpers.js'

/**
 * Every environment a stage uses holds the registry credential or approves, and MLflow grants
 * EDIT per model, not per stage: so each must let only the default branch deploy, whether the
 * stage requires approval or not. Custom rules are read and judged as GitHub matches them.
 */
const POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
`
const custom = (name: string): EnvironmentSettings => ({
  name,
  preventSelfReview: false,
  branchPolicy: { protectedBranches: false, customBranchPolicies: true }
})
const everyBranch = (name: string): EnvironmentSettings => ({
  name,
  preventSelfReview: false,
  branchPolicy: null
})
const stageRequest = (targetStage: string) => ({
  model: 'churn',
  target: { kind: 'version' as const, version: '1' },
  targetStage,
  justification: 'better recall'
})

describe('an unguarded stage’s environment', () => {
  it('is refused when every branch may deploy to it', async () => {
    const { deps } = setup({ environments: { staging: everyBranch('staging') } })
    const error = await failure(resolveStage(stageRequest('Staging'), policyFrom(POLICY), deps))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(
      /Environment 'staging' lets every branch deploy.*registry credential, which can move every stage/
    )
  })

  it('passes with a rule for exactly the default branch, and is refused from another branch', async () => {
    const branchPolicies = { staging: [{ name: 'main', type: 'branch' as const }] }
    const ok = setup({ environments: { staging: custom('staging') }, branchPolicies })
    await expect(
      resolveStage(stageRequest('Staging'), policyFrom(POLICY), ok.deps)
    ).resolves.toMatchObject({ environment: 'staging', guarded: false })
    expect(ok.logger.messages('warning')).toEqual([])
    const side = setup({
      environments: { staging: custom('staging') },
      branchPolicies,
      ref: 'refs/heads/feature'
    })
    const error = await failure(
      resolveStage(stageRequest('Staging'), policyFrom(POLICY), side.deps)
    )
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toMatch(
      /names an environment that holds the registry credential.*refs\/heads\/feature.*Dispatch the promotion from main/
    )
  })
})

describe('custom deployment branch rules', () => {
  it.each([
    [[{ name: '*', type: 'branch' as const }], /rule '\*' matches 'main' and other branches/],
    [[{ name: 'release/*', type: 'branch' as const }], /rule 'release\/\*' matches branches/],
    [
      [
        { name: 'main', type: 'branch' as const },
        { name: 'ma?n', type: 'branch' as const }
      ],
      /rule 'ma\?n' matches 'main' and other branches/
    ],
    [
      [
        { name: 'main', type: 'branch' as const },
        { name: 'v*', type: 'tag' as const }
      ],
      /lets tags matching 'v\*' deploy/
    ],
    [[], /lets no branch deploy/]
  ])('%j is refused before any write', async (rules, message) => {
    const { registry, deps, approvalCalls } = setup({
      policy: policyFrom(POLICY),
      approvals: [approval('frank')],
      environments: {
        production: {
          ...protectedEnvironment('production'),
          ...custom('production'),
          reviewers: [{ type: 'User', name: 'alice' }]
        }
      },
      branchPolicies: { production: rules }
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Selected branches and tags with the one branch rule 'main'/)
    expect(approvalCalls).toEqual([])
    expect(registry.writes).toEqual([])
  })

  it('accepts the one rule main', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(POLICY),
      approvals: [approval('frank')],
      environments: {
        production: {
          ...protectedEnvironment('production'),
          branchPolicy: custom('x').branchPolicy
        }
      },
      branchPolicies: { production: [{ name: 'main', type: 'branch' }] }
    })
    registry.versions.get('1')!.stage = 'Staging'
    await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(registry.versions.get('1')!.stage).toBe('Production')
  })
})

describe('protected branches only', () => {
  it('is refused when the default branch is not protected', async () => {
    const { deps } = setup({ protectedBranches: ['release/1'] })
    const error = await failure(resolveStage(stageRequest('Production'), policyFrom(POLICY), deps))
    expect(error.message).toMatch(
      /lets protected branches deploy, and the default branch 'main' is not protected, so only 'release\/1' can/
    )
  })

  it('warns, naming them, when other branches are protected too', async () => {
    const { deps, logger } = setup({ protectedBranches: ['main', 'release/1'] })
    await resolveStage(stageRequest('Production'), policyFrom(POLICY), deps)
    expect(logger.messages('warning').join('\n')).toMatch(
      /Environment 'production' lets every protected branch deploy, and besides 'main' 'release\/1' is protected/
    )
  })
})

describe('required reviewers that are not a second person', () => {
  it('warns when the only reviewer is the dispatcher', async () => {
    const { deps, logger } = setup({ actor: 'alice' })
    await resolveStage(stageRequest('Production'), policyFrom(POLICY), deps)
    expect(logger.messages('warning').join('\n')).toMatch(
      /can be approved only by 'alice', who started this run: with Prevent self-review nobody can approve it/
    )
  })

  it('warns when a team that reviews has no members, and when its only member dispatched', async () => {
    const teamEnv = (slug: string): EnvironmentSettings => ({
      ...protectedEnvironment('production'),
      reviewers: [{ type: 'Team', name: `acme/${slug}` }]
    })
    const empty = setup({
      environments: { production: teamEnv('empty') },
      teams: { '@acme/empty': [] }
    })
    await resolveStage(stageRequest('Production'), policyFrom(POLICY), empty.deps)
    expect(empty.logger.messages('warning').join('\n')).toMatch(
      /requires a review from team @acme\/empty, which has no members/
    )
    const solo = setup({
      actor: 'octocat',
      environments: { production: teamEnv('solo') },
      teams: { '@acme/solo': ['octocat'] }
    })
    await resolveStage(stageRequest('Production'), policyFrom(POLICY), solo.deps)
    expect(solo.logger.messages('warning').join('\n')).toMatch(/can be approved only by 'octocat'/)
    // A team the token cannot read proves nothing either way: no warning.
    const hidden = setup({ actor: 'octocat', environments: { production: teamEnv('hidden') } })
    await resolveStage(stageRequest('Production'), policyFrom(POLICY), hidden.deps)
    expect(hidden.logger.messages('warning')).toEqual([])
  })
})
