import type { Operator, Tolerance } from './types.js'

/** A threshold check; exact IEEE comparison, so `>=` passes at equality. */
export function satisfies(observed: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case '>=':
      return observed >= threshold
    case '>':
      return observed > threshold
    case '<=':
      return observed <= threshold
    case '<':
      return observed < threshold
    case '==':
      return observed === threshold
    case '!=':
      return observed !== threshold
  }
}

export interface ChampionCheck {
  passed: boolean
  /** The bound the candidate had to reach, for the report (undefined for relative checks). */
  bound?: number
  /** Relative change in the better direction, when it was computed. */
  relativeChange?: number
}

/**
 * MLflow's `min_relative_change` at a zero baseline falls back to "strictly better" by this margin
 * (mlflow/models/evaluation/validation.py); reproduced so the verdicts match MLflow's.
 */
export const ZERO_BASELINE_EPSILON = 1e-10

/**
 * `min-improvement` exactly as MLflow's MetricThreshold: absolute means
 * candidate >= champion + x (greater is better) or <= champion - x; relative means the change
 * divided by |champion| is at least x.
 */
export function checkMinImprovement(
  candidate: number,
  champion: number,
  tolerance: Tolerance,
  greaterIsBetter: boolean
): ChampionCheck {
  const better = (a: number, b: number): boolean => (greaterIsBetter ? a >= b : a <= b)
  const shift = (base: number, by: number): number => (greaterIsBetter ? base + by : base - by)
  if (tolerance.kind === 'absolute') {
    const bound = shift(champion, tolerance.amount)
    return { passed: better(candidate, bound), bound }
  }
  if (champion === 0) {
    const bound = shift(champion, ZERO_BASELINE_EPSILON)
    return { passed: better(candidate, bound), bound }
  }
  const relativeChange = relative(candidate, champion, greaterIsBetter)
  return { passed: !(relativeChange < tolerance.amount), relativeChange }
}

/**
 * `max-regression`, the mirror of min-improvement: the candidate may be worse than the champion
 * by at most x (absolute) or x·|champion| (relative). At a zero champion a relative tolerance
 * allows no regression at all, since x·|0| = 0.
 */
export function checkMaxRegression(
  candidate: number,
  champion: number,
  tolerance: Tolerance,
  greaterIsBetter: boolean
): ChampionCheck {
  const better = (a: number, b: number): boolean => (greaterIsBetter ? a >= b : a <= b)
  if (tolerance.kind === 'absolute') {
    const bound = greaterIsBetter ? champion - tolerance.amount : champion + tolerance.amount
    return { passed: better(candidate, bound), bound }
  }
  if (champion === 0) return { passed: better(candidate, champion), bound: champion }
  const relativeChange = relative(candidate, champion, greaterIsBetter)
  return { passed: !(relativeChange < -tolerance.amount), relativeChange }
}

/** Dividing by the magnitude keeps the sign meaningful for a negative champion (as MLflow does). */
function relative(candidate: number, champion: number, greaterIsBetter: boolean): number {
  return greaterIsBetter
    ? (candidate - champion) / Math.abs(champion)
    : (champion - candidate) / Math.abs(champion)
}
