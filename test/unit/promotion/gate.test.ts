import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { parsePolicy } from '../../../src/policy/index.js'
import { evaluateApprovals, runActors } from '../../../src/promotion/approval-check.js'
import { promote } from '../../../src/promotion/index.js'
import { chain, event } from '../../harness/reconcile-helpers.js'
import { approval, failure, policyFrom, protectedEnvironment, request, setup } from './helpers.js'

/**
 * The Gate: every way around the approval that a person with write access would try, each
 * refused before the registry is touched. The same attacks run against the real MLflow server in
 * test/integration/promote-model/gate.test.ts.
 */
const GUARDED = `stages:
  - name: Development
  - name: Staging
  - name: Production
    requires_approval: true
    alias: champion
`

describe('actor rules', () => {
  const stage = policyFrom(GUARDED).stages[2]!

  it('counts neither the dispatcher nor whoever re-ran the run', async () => {
    const actors = runActors({
      serverUrl: '',
      apiUrl: '',
      actor: 'dave',
      triggeringActor: 'erin'
    })
    expect(actors).toEqual(['dave', 'erin'])
    const verdict = await evaluateApprovals(stage, [approval('dave')], actors)
    expect(verdict).toMatchObject({ ok: false, counted: [], selfApproved: ['dave'] })
    expect((await evaluateApprovals(stage, [approval('erin')], actors)).ok).toBe(false)
    expect((await evaluateApprovals(stage, [approval('frank')], actors)).ok).toBe(true)
  })

  it('refuses the dispatcher approving a run someone else re-ran, before any write', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(GUARDED),
      approvals: [approval('dave')],
      actor: 'dave',
      triggeringActor: 'erin'
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error.message).toMatch(/started this run \(dave or erin\).*: dave/)
    expect(registry.writes).toEqual([])
  })

  it('never counts a review that names no environment', async () => {
    expect((await evaluateApprovals(stage, [approval('frank', 'approved', [])], [])).ok).toBe(false)
  })
})

describe('policy rules', () => {
  it('refuses requires_approval with min_approvals below 1, naming the line', () => {
    const text =
      'stages:\n  - name: Staging\n  - name: Production\n    requires_approval: true\n    min_approvals: 0\n'
    expect(() => parsePolicy(text, 'p.yml', new MemoryLogger())).toThrow(
      /p\.yml:3: stage Production has requires_approval: true and min_approvals: 0/
    )
  })

  it('refuses min_approvals 0 turned on by a per-model override', () => {
    const text =
      'stages: [{name: Staging}, {name: Production, min_approvals: 0}]\nmodels:\n  churn:\n    stages: [{name: Production, requires_approval: true}]\n'
    expect(() => parsePolicy(text, 'p.yml', new MemoryLogger())).toThrow(
      /stage Production \(for model 'churn'\) has requires_approval: true and min_approvals: 0/
    )
  })

  it('guards a stage with no environment: by its name lower-cased (the .mlflow/config.yaml block)', async () => {
    const policy = policyFrom(
      'model_registry:\n  stages:\n    - name: Staging\n    - name: Production\n      requires_approval: true\n      approvers: [alice]\n'
    )
    const { registry, deps } = setup({
      policy,
      approvals: [approval('alice', 'approved', ['production'])]
    })
    registry.versions.get('1')!.stage = 'Staging'
    const result = await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(result.approvedBy).toEqual(['alice'])
    const other = setup({ policy, approvals: [approval('alice', 'approved', ['prod'])] })
    other.registry.versions.get('1')!.stage = 'Staging'
    await expect(
      promote(request({ version: '1', stage: 'Production' }), other.deps)
    ).rejects.toThrow(/counted 0.*of environment production/)
  })
})

describe('alias moves obey the stage they stand for', () => {
  it('refuses alias champion (Production) for a version in Development: skips Staging', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(GUARDED),
      approvals: [approval('frank')]
    })
    const error = await failure(promote(request({ version: '1', alias: 'champion' }), deps))
    expect(error.message).toMatch(/moving it to Production skips Staging/)
    expect(registry.writes).toEqual([])
  })

  it('checks the approvals of the stage, whatever the spelling of its alias', async () => {
    const { registry, deps, approvalCalls } = setup({ policy: policyFrom(GUARDED), approvals: [] })
    registry.versions.get('1')!.stage = 'Staging'
    await expect(promote(request({ version: '1', alias: 'Champion' }), deps)).rejects.toThrow(
      /Approval check failed.*counted 0/
    )
    expect(approvalCalls).toHaveLength(1)
    expect(registry.writes).toEqual([])
  })

  it("treats a stage's name, lower-cased, as its alias", async () => {
    const { registry, deps } = setup({ policy: policyFrom(GUARDED), approvals: [] })
    await expect(promote(request({ version: '1', alias: 'production' }), deps)).rejects.toThrow(
      /skips Staging/
    )
    expect(registry.writes).toEqual([])
  })

  it('refuses an alias of one stage with a stage input naming another', async () => {
    const { deps } = setup({ policy: policyFrom(GUARDED) })
    await expect(
      promote(request({ version: '1', stage: 'Staging', alias: 'champion' }), deps)
    ).rejects.toThrow(ConfigurationError)
  })
})

describe('GitHub settings, the root of trust', () => {
  const unprotected = {
    name: 'production',
    preventSelfReview: false,
    branchPolicy: null
  }

  it.each([
    ['does not exist', undefined, /Environment 'production' does not exist.*New environment/],
    [
      'has no required reviewers',
      { ...protectedEnvironment('production'), reviewers: undefined },
      /no required reviewers.*tick Required reviewers/
    ],
    [
      'lets every branch deploy',
      { ...protectedEnvironment('production'), branchPolicy: null },
      /lets every branch deploy.*Protected branches only/
    ],
    ['has neither', unprotected, /no required reviewers.*lets every branch deploy/]
  ])('refuses when the environment %s, before any write', async (_case, settings, message) => {
    const { registry, deps, approvalCalls } = setup({
      policy: policyFrom(GUARDED),
      approvals: [approval('frank')],
      environments: { production: settings }
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(approvalCalls).toEqual([])
    expect(registry.writes).toEqual([])
  })

  it('warns, and promotes, when the environment does not prevent self-review', async () => {
    const { registry, deps, logger } = setup({
      policy: policyFrom(GUARDED),
      approvals: [approval('frank')],
      environments: {
        production: { ...protectedEnvironment('production'), preventSelfReview: false }
      }
    })
    registry.versions.get('1')!.stage = 'Staging'
    await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(logger.lines.map(l => l.message).join('\n')).toMatch(
      /does not prevent self-review.*tick Prevent self-review/
    )
    expect(registry.stageOf('1')).toBe('Production')
  })

  it('refuses a run dispatched from a branch that is not the default branch', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(GUARDED),
      approvals: [approval('frank')],
      ref: 'refs/heads/weaker-policy'
    })
    registry.versions.get('1')!.stage = 'Staging'
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error.message).toMatch(/ref is refs\/heads\/weaker-policy, not the default branch main/)
    expect(registry.writes).toEqual([])
  })

  it('lets a stage that needs no approval through from any branch', async () => {
    const { registry, deps, approvalCalls } = setup({
      policy: policyFrom(GUARDED),
      ref: 'refs/heads/x'
    })
    await promote(request({ version: '1', stage: 'Staging' }), deps)
    expect(registry.stageOf('1')).toBe('Staging')
    expect(approvalCalls).toEqual([])
  })
})

describe('rollback takes its version only from a verified record', () => {
  const promoted = (version: string, previous: string, to = 'Production') =>
    event('churn', version, to, { previous_version: previous })

  function rollback(audit: string | undefined, tag?: string) {
    const s = setup({ audit })
    s.registry.versions.get('3')!.stage = 'Production'
    s.registry.versions.get('2')!.stage = 'Archived'
    if (tag !== undefined)
      s.registry.versions.get('3')!.tags.set('mg.previous.stage.Production', tag)
    return { ...s, result: promote(request({ stage: 'Production', rollback: true }), s.deps) }
  }

  it('restores the previous holder from a log that verifies and shows it holding the stage', async () => {
    const { text } = chain([promoted('2', ''), promoted('3', '2')])
    const { result, registry } = rollback(text)
    await expect(result).resolves.toMatchObject({ version: '2', previousVersion: '3' })
    expect(registry.stageOf('2')).toBe('Production')
  })

  it.each([
    [
      'a one-line file with no chain',
      JSON.stringify({
        v: 1,
        seq: 1,
        event: 'promote',
        outcome: 'success',
        model: 'churn',
        version: '3',
        to: 'Production',
        previous_version: '2'
      }) + '\n',
      /does not verify \(line 1/
    ],
    [
      'an edited line',
      chain([promoted('2', ''), promoted('3', '2')]).text.replace(
        'promote 2 to Production',
        'promote 2 to Prod'
      ),
      /does not verify \(line 1/
    ],
    [
      'a previous version that is not a number',
      chain([promoted('2', ''), promoted('3', 'latest')]).text,
      /"latest", which is not a version number/
    ],
    [
      'a previous holder the log never shows holding it',
      chain([promoted('3', '2')]).text,
      /records no counted move of version 2 to it/
    ],
    [
      'no record of the current holder',
      chain([promoted('2', '')]).text,
      /records no counted move of version 3 to it/
    ]
  ])('refuses %s, changing nothing', async (_case, text, message) => {
    const { result, registry } = rollback(text, '2')
    const error = await failure(result)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/Nothing was changed in the registry/)
    expect(registry.writes).toEqual([])
  })

  it('uses the tags only when there is no log, and only a version number', async () => {
    await expect(rollback(undefined, '2').result).resolves.toMatchObject({ version: '2' })
    const bad = rollback(undefined, 'alias:champion')
    await expect(bad.result).rejects.toThrow(/"alias:champion", which is not a version number/)
    expect(bad.registry.writes).toEqual([])
  })
})

describe('compare-and-set', () => {
  it("in both mode, checks the stage's holder: an alias left on a version that moved on does not refuse none", async () => {
    const policy = policyFrom(
      'registry: {mode: both}\nstages: [{name: Development}, {name: Staging, alias: challenger}, {name: Production}]'
    )
    const { registry, deps } = setup({ policy })
    registry.aliases.set('challenger', '1')
    registry.versions.get('1')!.stage = 'Production'
    const result = await promote(
      request({ version: '2', stage: 'Staging', expectedPreviousVersion: 'none' }),
      deps
    )
    expect(result.changed).toBe(true)
    expect(registry.stageOf('2')).toBe('Staging')
    expect(registry.aliases.get('challenger')).toBe('2')
  })

  it('still refuses when the stage is held by another version than the one approved', async () => {
    const { registry, deps } = setup()
    registry.versions.get('1')!.stage = 'Staging'
    registry.versions.get('3')!.stage = 'Staging'
    await expect(
      promote(
        request({
          version: '2',
          stage: 'Staging',
          allowSkip: true,
          expectedPreviousVersion: 'none'
        }),
        deps
      )
    ).rejects.toThrow(
      /expected-previous-version is none, but stage Staging .* is now held by version/
    )
    expect(registry.writes).toEqual([])
  })
})
