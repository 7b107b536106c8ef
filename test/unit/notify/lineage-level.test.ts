import { describe, expect, it } from '@jest/globals'
import { LEVEL_WORDS } from '../../../src/core/lineage-levels.js'
import { approvalRequestMessage } from '../../../src/notify/approval-request.js'
import { genericPayload } from '../../../src/notify/generic.js'
import { slackPayload } from '../../../src/notify/slack.js'
import { teamsPayload } from '../../../src/notify/teams.js'

/**
 * The approval request shows lineage-check's level (issue "Seed flow"), read from its `report`
 * output (`level`, `minLevel`), with the level's words; a report from before levels says plainly
 * that it has none.
 */
const report = (extra: Record<string, unknown>): string =>
  JSON.stringify({
    verified: true,
    lockSha256: 'ab'.repeat(32),
    stages: [{ name: 'train' }],
    problems: [],
    ...extra
  })

const build = (lineageReport: string) =>
  approvalRequestMessage({
    model: 'churn-classifier',
    version: '3',
    stage: 'Production',
    reason: 'better recall',
    roles: [],
    lineageReport
  })

describe('the lineage level in the approval request', () => {
  it('heads the lineage section with the level, its words and the minimum, and is a fact', () => {
    const { message, problems } = build(report({ level: 3, minLevel: 3 }))
    expect(problems).toEqual([])
    const section = message.sections.find(s => s.heading.startsWith('DVC lineage'))!
    expect(section.heading).toBe('DVC lineage: verified, level 3')
    expect(section.lines[0]).toBe(
      `Lineage level 3: ${LEVEL_WORDS[3]} (the stage's minimum is level 3: met)`
    )
    expect(message.facts).toContainEqual({
      label: 'Lineage level',
      value: '3 of 4 (1 is the strongest)'
    })
    expect(genericPayload(message).data).toMatchObject({
      lineage: { passed: true, level: 3, min_level: 3 }
    })
  })

  it('says NOT met for a level weaker than the minimum', () => {
    const { message } = build(report({ verified: false, level: 4, minLevel: 2, problems: ['x'] }))
    const section = message.sections.find(s => s.heading.startsWith('DVC lineage'))!
    expect(section.heading).toBe('DVC lineage: not verified, level 4 (1 problem)')
    expect(section.lines[0]).toContain(
      `${LEVEL_WORDS[4]} (the stage's minimum is level 2: NOT met)`
    )
  })

  it('says plainly that a report from before levels has none, never a guessed level', () => {
    for (const extra of [{}, { level: 'high' }, { level: 7 }]) {
      const { message, problems } = build(report(extra))
      expect(problems).toEqual([])
      const section = message.sections.find(s => s.heading.startsWith('DVC lineage'))!
      expect(section.heading).toBe('DVC lineage: verified')
      expect(section.lines[0]).toMatch(/^Lineage level not recorded: this lineage predates/)
      expect(message.facts).toContainEqual({
        label: 'Lineage level',
        value: 'not recorded (lineage-check reported no level)'
      })
      expect(genericPayload(message).data).toMatchObject({ lineage: { level: null } })
    }
  })

  it('reaches Slack and Teams as text', () => {
    const { message } = build(report({ level: 2 }))
    expect(JSON.stringify(slackPayload(message).blocks)).toContain(
      `Lineage level 2: ${LEVEL_WORDS[2]}`
    )
    const texts = teamsPayload(message).attachments[0].content.body.flatMap(b =>
      b.type === 'TextBlock' ? [b.text] : b.facts.map(f => `${f.title}: ${f.value}`)
    )
    expect(texts.join('\n')).toContain('Lineage level: 2 of 4')
    expect(texts.join('\n')).toMatch(/Lineage level 2: the version.s run logged a file/)
  })
})
