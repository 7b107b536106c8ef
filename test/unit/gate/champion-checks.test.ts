import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  checkMaxRegression,
  checkMinImprovement,
  satisfies,
  ZERO_BASELINE_EPSILON
} from '../../../src/gate/champion-checks.js'
import type { Tolerance } from '../../../src/gate/types.js'

const abs = (amount: number): Tolerance => ({ kind: 'absolute', amount, text: String(amount) })
const rel = (amount: number): Tolerance => ({ kind: 'relative', amount, text: `${amount * 100}%` })
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })
const fraction = fc.double({ noNaN: true, min: 0, max: 1 })

describe('threshold operators', () => {
  it('passes >= and <= at equality and fails > and < there, for every value', () => {
    fc.assert(
      fc.property(finite, v => {
        expect([satisfies(v, '>=', v), satisfies(v, '<=', v), satisfies(v, '==', v)]).toEqual([
          true,
          true,
          true
        ])
        expect([satisfies(v, '>', v), satisfies(v, '<', v), satisfies(v, '!=', v)]).toEqual([
          false,
          false,
          false
        ])
      })
    )
  })

  it('agrees with the operator on the next representable number either side', () => {
    fc.assert(
      fc.property(
        finite.filter(v => v !== 0),
        v => {
          const up = v + Math.abs(v) * Number.EPSILON
          expect(satisfies(up, '>', v)).toBe(up > v)
          expect(satisfies(up, '>=', v)).toBe(true)
          expect(satisfies(up, '<', v)).toBe(false)
        }
      )
    )
  })
})

describe('champion comparison (MLflow MetricThreshold semantics)', () => {
  it('absolute min-improvement: candidate >= champion + x when greater is better, <= champion - x otherwise', () => {
    expect(checkMinImprovement(0.91, 0.9, abs(0.01), true).passed).toBe(0.91 >= 0.9 + 0.01)
    expect(checkMinImprovement(0.2, 0.25, abs(0.05), false)).toEqual({ passed: true, bound: 0.2 })
    expect(checkMinImprovement(0.21, 0.25, abs(0.05), false).passed).toBe(false)
  })

  it('relative min-improvement divides by |champion|, so a negative champion keeps its meaning', () => {
    // champion -2, candidate -1.5: an improvement of 25% when greater is better
    expect(checkMinImprovement(-1.5, -2, rel(0.25), true)).toEqual({
      passed: true,
      relativeChange: 0.25
    })
    expect(checkMinImprovement(-1.6, -2, rel(0.25), true).passed).toBe(false)
  })

  it('relative min-improvement at a zero champion falls back to strictly better by 1e-10, as MLflow does', () => {
    expect(checkMinImprovement(0, 0, rel(0.1), true).passed).toBe(false)
    expect(checkMinImprovement(ZERO_BASELINE_EPSILON, 0, rel(0.1), true).passed).toBe(true)
    expect(checkMinImprovement(-ZERO_BASELINE_EPSILON, 0, rel(0.1), false).passed).toBe(true)
  })

  it('relative max-regression at a zero champion allows no regression at all', () => {
    fc.assert(
      fc.property(finite, fraction, fc.boolean(), (candidate, r, greater) => {
        const notWorse = greater ? candidate >= 0 : candidate <= 0
        expect(checkMaxRegression(candidate, 0, rel(r), greater).passed).toBe(notWorse)
      })
    )
  })

  it('absolute max-regression passes exactly at the bound and fails just past it', () => {
    fc.assert(
      fc.property(
        finite,
        fc.double({ noNaN: true, min: 0, max: 1e6 }),
        fc.boolean(),
        (champion, x, greater) => {
          const bound = greater ? champion - x : champion + x
          expect(checkMaxRegression(bound, champion, abs(x), greater)).toEqual({
            passed: true,
            bound
          })
          const past = greater
            ? bound - Math.max(Math.abs(bound), 1) * 1e-9
            : bound + Math.max(Math.abs(bound), 1) * 1e-9
          expect(checkMaxRegression(past, champion, abs(x), greater).passed).toBe(false)
        }
      )
    )
  })

  it('relative checks match the reference formula for any non-zero champion', () => {
    fc.assert(
      fc.property(
        finite,
        finite.filter(c => c !== 0),
        fraction,
        fc.boolean(),
        (candidate, champion, r, greater) => {
          const change = greater
            ? (candidate - champion) / Math.abs(champion)
            : (champion - candidate) / Math.abs(champion)
          expect(checkMinImprovement(candidate, champion, rel(r), greater).passed).toBe(
            !(change < r)
          )
          expect(checkMaxRegression(candidate, champion, rel(r), greater).passed).toBe(
            !(change < -r)
          )
        }
      )
    )
  })

  it('an equal candidate passes any max-regression and fails any positive min-improvement', () => {
    fc.assert(
      fc.property(
        finite,
        fc.double({ noNaN: true, min: 1e-9, max: 1 }),
        fc.boolean(),
        (v, x, greater) => {
          expect(checkMaxRegression(v, v, abs(x), greater).passed).toBe(true)
          expect(checkMaxRegression(v, v, rel(x), greater).passed).toBe(true)
          expect(checkMinImprovement(v, v, rel(x), greater).passed).toBe(false)
          // like MLflow, the bound is computed in floating point: at magnitudes where champion + x
          // rounds back to the champion, an absolute improvement that small cannot be asked for
          const representable = greater ? v + x !== v : v - x !== v
          expect(checkMinImprovement(v, v, abs(x), greater).passed).toBe(!representable)
        }
      )
    )
  })
})
