/**
 * Typed action outputs. Each action declares one `defineOutputs([...])` whose names are exactly
 * the outputs of its action.yml (a unit test compares the two, as for inputs), and maps its
 * domain result to them in its own outputs.ts. Domain functions never set outputs themselves.
 */
export type OutputValue = string | number | boolean

export interface OutputDefinition<N extends string> {
  readonly names: readonly N[]
}

export function defineOutputs<const N extends string>(names: readonly N[]): OutputDefinition<N> {
  return { names }
}

/** Values for some of an action's outputs; an output left out is not set. */
export type OutputValues<D> =
  D extends OutputDefinition<infer N> ? { [K in N]?: OutputValue } : never

export type OutputName<D> = D extends OutputDefinition<infer N> ? N : never
