/** How a metric's history becomes one value (input aggregate); apart so the inputs load light. */
export const AGGREGATES = ['latest', 'min', 'max', 'last'] as const
export type Aggregate = (typeof AGGREGATES)[number]
