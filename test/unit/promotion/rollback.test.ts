import { describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { previousFromAudit } from '../../../src/promotion/rollback.js'
import type { GithubCheck } from '../../../src/audit/trail.js'
import { chain, event } from '../../harness/reconcile-helpers.js'
import { request, setup } from './helpers.js'
import { everyLineBacked, trailOf } from '../../harness/audit-trail.js'

describe('rollback', () => {
  it("gives the stage back to the previous holder recorded in this action's tags", async () => {
    const { registry, deps } = setup()
    registry.versions.get('1')!.stage = 'Staging'
    await promote(request({ version: '1', stage: 'Production', allowSkip: true }), deps)
    registry.versions.get('2')!.stage = 'Staging'
    await promote(request({ version: '2', stage: 'Production' }), deps)
    const result = await promote(request({ stage: 'Production', rollback: true }), deps)
    expect(result).toMatchObject({
      version: '1',
      previousVersion: '2',
      rollback: true,
      changed: true
    })
    expect(registry.stageOf('1')).toBe('Production')
    expect(registry.stageOf('2')).toBe('Archived')
    expect(registry.versions.get('1')!.tags.get('mg.rollback')).toBe('true')
  })

  it('takes the audit log when there is one, over the tags', async () => {
    const { text } = chain([
      event('churn', '2', 'Production'),
      event('churn', '1', 'alias:champion'),
      event('churn', '3', 'alias:champion', { previous_version: '1' }),
      event('churn', '3', 'Production', { previous_version: '2' }),
      event('churn', '3', 'Production', { previous_version: '1', outcome: 'failure' })
    ])
    const { registry, deps } = setup({ audit: text })
    registry.versions.get('3')!.stage = 'Production'
    registry.versions.get('3')!.tags.set('mg.previous.stage.Production', '1')
    const result = await promote(request({ stage: 'Production', rollback: true }), deps)
    expect(result.version).toBe('2')
  })

  it('matches audit targets written as stage names or alias:<name>', async () => {
    const trail = await trailOf(
      chain([
        event('churn', '4', 'alias:champion'),
        event('churn', '3', 'stage:Staging'),
        event('churn', '5', 'alias:champion', { previous_version: '4' }),
        event('churn', '5', 'stage:Staging', { previous_version: '3' })
      ]).text,
      { github: everyLineBacked }
    )
    expect(previousFromAudit(trail, 'churn', { kind: 'alias', alias: 'champion' }, '5')).toBe('4')
    expect(
      previousFromAudit(
        trail,
        'churn',
        { kind: 'stage', stage: 'Staging', archiveExisting: true },
        '5'
      )
    ).toBe('3')
    expect(() =>
      previousFromAudit(trail, 'other', { kind: 'alias', alias: 'champion' }, '5')
    ).toThrow(/records no counted move of version 5/)
  })

  it("refuses without GitHub's record of the runs: the chain alone cannot tell a forged line", async () => {
    const text = chain([
      event('churn', '4', 'Production'),
      event('churn', '5', 'Production', { previous_version: '4' })
    ]).text
    const stage = { kind: 'stage' as const, stage: 'Production' as const, archiveExisting: true }
    const chainOnly = await trailOf(text)
    expect(() => previousFromAudit(chainOnly, 'churn', stage, '5')).toThrow(
      /GitHub's record of the runs was not read .*give promote-model a github-token with actions: read/
    )
    expect(
      previousFromAudit(await trailOf(text, { github: everyLineBacked }), 'churn', stage, '5')
    ).toBe('4')
  })

  it('skips a move GitHub does not back: the newest backed move names the holder', async () => {
    const text = chain([
      event('churn', '3', 'Production'),
      event('churn', '4', 'Production', { previous_version: '3' }),
      event('churn', '5', 'Production', { previous_version: '4' }),
      event('churn', '5', 'Production', { previous_version: '3' })
    ]).text
    const stage = { kind: 'stage' as const, stage: 'Production' as const, archiveExisting: true }
    // Line 4 (v5 replaced v3, skipping v4's promotion) is a line no run of GitHub's backs.
    const backed: GithubCheck = entries =>
      Promise.resolve({
        verdict: { state: 'findings', note: 'test: line 4 has no run' },
        standings: new Map(
          entries.map(e => [
            e.line,
            e.line === 4
              ? { standing: 'unbacked' as const, reason: 'no such run' }
              : { standing: 'governed' as const }
          ])
        )
      })
    expect(previousFromAudit(await trailOf(text, { github: backed }), 'churn', stage, '5')).toBe(
      '4'
    )
    expect(
      previousFromAudit(await trailOf(text, { github: everyLineBacked }), 'churn', stage, '5')
    ).toBe('3')
  })

  it('quotes a previous_version that is not a version number, even from a backed line', async () => {
    const injected = '2\n::error title=Approved::Approved\n::stop-commands::zzz'
    const trail = await trailOf(
      chain([event('churn', '5', 'Production', { previous_version: injected })]).text,
      { github: everyLineBacked }
    )
    const stage = { kind: 'stage' as const, stage: 'Production' as const, archiveExisting: true }
    expect(() => previousFromAudit(trail, 'churn', stage, '5')).toThrow(
      'the audit log records the previous holder as "2\\n::error title=Approved::Approved\\n::stop-commands::zzz", which is not a version number'
    )
  })

  it('fails clearly when there is no previous version', async () => {
    const { registry, deps } = setup()
    await expect(promote(request({ alias: 'champion', rollback: true }), deps)).rejects.toThrow(
      /no version holds it now/
    )
    registry.aliases.set('champion', '2')
    await expect(promote(request({ alias: 'champion', rollback: true }), deps)).rejects.toThrow(
      /version 2 holds it, there is no audit log, and its tag 'mg.previous.alias.champion' records no previous version/
    )
    expect(registry.writes).toEqual([])
  })
})
