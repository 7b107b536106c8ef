import { describe, expect, it } from '@jest/globals'
import {
  entryMoves,
  mergeTargets,
  policyTargets,
  targetKey
} from '../../../src/reconcile/targets.js'
import { BOTH_POLICY, policyFrom, STAGES_POLICY } from '../../harness/reconcile-helpers.js'

const keys = (list: { kind: string; name: string }[]): string[] =>
  list.map(t => `${t.kind}:${t.name}`)

describe('policyTargets', () => {
  it('compares Staging and Production in stages mode, never the None stage every registration lands in', () => {
    expect(keys(policyTargets(STAGES_POLICY))).toEqual(['stage:Staging', 'stage:Production'])
  })

  it('adds each stage alias in both mode, lower-cased stage name when the policy names none', () => {
    expect(keys(policyTargets(BOTH_POLICY))).toEqual([
      'alias:development',
      'stage:Staging',
      'alias:challenger',
      'stage:Production',
      'alias:champion'
    ])
  })

  it('compares aliases only in aliases mode, including custom stages MLflow has no stage for', () => {
    const policy = policyFrom(
      'registry: {mode: aliases}\nstages: [{name: Canary}, {name: Production, alias: champion}]'
    )
    expect(keys(policyTargets(policy))).toEqual(['alias:canary', 'alias:champion'])
  })
})

describe('entryMoves', () => {
  it('reads a stage name, its stage: form and MLflow spelling as the stage', () => {
    expect(keys(entryMoves('Production', STAGES_POLICY))).toEqual(['stage:Production'])
    expect(keys(entryMoves('stage:production', STAGES_POLICY))).toEqual(['stage:Production'])
    expect(keys(entryMoves('Archived', STAGES_POLICY))).toEqual(['stage:Archived'])
  })

  it('moves the stage and its alias in both mode, as promote-model does', () => {
    expect(keys(entryMoves('Production', BOTH_POLICY))).toEqual([
      'stage:Production',
      'alias:champion'
    ])
    expect(keys(entryMoves('Archived', BOTH_POLICY))).toEqual(['stage:Archived'])
  })

  it('reads an alias (bare or alias:) as that alias only', () => {
    expect(keys(entryMoves('champion', BOTH_POLICY))).toEqual(['alias:champion'])
    expect(keys(entryMoves('alias:shadow', STAGES_POLICY))).toEqual(['alias:shadow'])
  })

  it('ignores an empty target and an unknown stage: form', () => {
    expect(entryMoves('  ', STAGES_POLICY)).toEqual([])
    expect(entryMoves('stage:Nowhere', STAGES_POLICY)).toEqual([])
  })
})

it('mergeTargets keeps the first of each key in order', () => {
  const merged = mergeTargets(
    [{ kind: 'stage', name: 'Production' }],
    [
      { kind: 'alias', name: 'x' },
      { kind: 'stage', name: 'Production' }
    ]
  )
  expect(merged.map(targetKey)).toEqual(['stage:Production', 'alias:x'])
})
