import { describe, expect, it } from '@jest/globals'
import { holderTimeline, mermaidLabel, mermaidTimeline } from '../../../src/provenance/index.js'
import { BOTH_POLICY, chain, event } from '../../harness/reconcile-helpers.js'

describe('mermaidTimeline', () => {
  it('one section per target, a bar per holder, open spans until now', () => {
    const { entries } = chain([
      event('churn', '1', 'Production', { ts: '2026-11-20T06:00:00.000Z' }),
      event('churn', '2', 'Production', { ts: '2026-11-22T06:00:00.000Z' })
    ])
    const text = mermaidTimeline(
      'churn',
      holderTimeline(entries, 'churn', BOTH_POLICY),
      new Date('2026-11-24T06:00:00.000Z')
    )
    expect(text.split('\n')).toEqual([
      '```mermaid',
      'gantt',
      '    title Holders of churn',
      '    dateFormat X',
      '    axisFormat %Y-%m-%d',
      '    section stage Production',
      `    v1 :s0, ${Date.parse('2026-11-20T06:00:00.000Z') / 1000}, ${Date.parse('2026-11-22T06:00:00.000Z') / 1000}`,
      `    v2 now :s1, ${Date.parse('2026-11-22T06:00:00.000Z') / 1000}, ${Date.parse('2026-11-24T06:00:00.000Z') / 1000}`,
      '    section alias champion',
      `    v1 :s2, ${Date.parse('2026-11-20T06:00:00.000Z') / 1000}, ${Date.parse('2026-11-22T06:00:00.000Z') / 1000}`,
      `    v2 now :s3, ${Date.parse('2026-11-22T06:00:00.000Z') / 1000}, ${Date.parse('2026-11-24T06:00:00.000Z') / 1000}`,
      '```'
    ])
  })

  it('labels from the log cannot inject mermaid: no : # ; % backtick or line break survives', () => {
    const hostile = 'x:1\n```\n%%{init: {"theme":"dark"}}%%\nclick s0 href "javascript:alert(1)";#'
    const label = mermaidLabel(hostile)
    expect(label).not.toMatch(/[:#;%`\n"{}]/)
    const { entries } = chain([event(hostile, '1', `alias:${hostile}`)])
    const text = mermaidTimeline(
      hostile,
      holderTimeline(entries, hostile, BOTH_POLICY),
      new Date('2026-12-01T00:00:00Z')
    )
    const body = text.split('\n').slice(1, -1)
    expect(body.join('\n')).not.toMatch(/```|%%|[;#`"]/)
    expect(body.every(l => !/^\s*click/.test(l))).toBe(true)
  })
})
