/** Shapes the gate room passes between its modules; none of them knows where metrics came from. */

export const OPERATORS = ['>=', '>', '<=', '<', '==', '!='] as const
export type Operator = (typeof OPERATORS)[number]

/** One `<metric> <op> <number>` line. */
export interface Rule {
  metric: string
  op: Operator
  value: number
  /** The rule as the user wrote it, normalised to single spaces, for the report. */
  text: string
  /** Where it was written: "thresholds line 2", "policy stage 'Production'". */
  origin: string
}

/** A tolerance as MLflow's MetricThreshold takes it: absolute (`0.01`) or relative (`1%`). */
export interface Tolerance {
  kind: 'absolute' | 'relative'
  /** Absolute amount, or the fraction for a relative tolerance (1% is 0.01). */
  amount: number
  text: string
}

/** The champion comparison for one metric. */
export interface ComparisonRule {
  metric: string
  maxRegression?: Tolerance
  minImprovement?: Tolerance
  greaterIsBetter: boolean
  /** Whether greater-is-better was set explicitly or inferred from a threshold's operator. */
  direction: 'explicit' | 'inferred'
}

export type SourceKind = 'run' | 'logged-model' | 'file'

export interface MetricSource {
  kind: SourceKind
  /** "run 4f2a…", "logged model m-…", "metrics/eval.json". */
  label: string
  /** For files: the path relative to the workspace, for annotations. */
  file?: string
}

/** One value of one metric as a source reported it, before sources are combined. */
export interface MetricObservation {
  name: string
  /** Files may hold strings and booleans (DVC keeps them); MLflow only numbers, NaN included. */
  value: number | string | boolean
  source: MetricSource
  /** The nested key path in a file, for locating its line. */
  keyPath?: string[]
  /** Said in the report: "aggregate max over 12 steps", "run value 0.85 not used". */
  note?: string
}

export type MetricTable = Map<string, MetricObservation>
