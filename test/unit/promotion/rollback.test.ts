import { describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { previousFromAudit } from '../../../src/promotion/rollback.js'
import { request, setup } from './helpers.js'

const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({ v: 1, seq: 1, event: 'promote', outcome: 'success', model: 'churn', ...fields })

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

  it('prefers the audit log when it records the current holder', async () => {
    const { registry, deps } = setup({
      audit: [
        line({ version: '3', to: 'Production', previous_version: '2' }),
        line({ version: '3', to: 'alias:champion', previous_version: '1' }),
        'not json',
        line({ version: '3', to: 'Production', previous_version: '1', outcome: 'failure' })
      ].join('\n')
    })
    registry.versions.get('3')!.stage = 'Production'
    registry.versions.get('3')!.tags.set('mg.previous.stage.Production', '1')
    const result = await promote(request({ stage: 'Production', rollback: true }), deps)
    expect(result.version).toBe('2')
  })

  it('matches audit targets written as stage names or alias:<name>', () => {
    const text = [
      line({ version: '5', to: 'alias:champion', previous_version: '4' }),
      line({ version: '5', to: 'stage:Staging', previous_version: '3' })
    ].join('\n')
    expect(previousFromAudit(text, 'churn', { kind: 'alias', alias: 'champion' }, '5')).toBe('4')
    expect(
      previousFromAudit(
        text,
        'churn',
        { kind: 'stage', stage: 'Staging', archiveExisting: true },
        '5'
      )
    ).toBe('3')
    expect(
      previousFromAudit(text, 'other', { kind: 'alias', alias: 'champion' }, '5')
    ).toBeUndefined()
  })

  it('fails clearly when there is no previous version', async () => {
    const { registry, deps } = setup()
    await expect(promote(request({ alias: 'champion', rollback: true }), deps)).rejects.toThrow(
      /no version holds it now/
    )
    registry.aliases.set('champion', '2')
    await expect(promote(request({ alias: 'champion', rollback: true }), deps)).rejects.toThrow(
      /version 2 holds it, and neither the audit log nor its tag 'mg.previous.alias.champion' records a previous version/
    )
    expect(registry.writes).toEqual([])
  })
})
