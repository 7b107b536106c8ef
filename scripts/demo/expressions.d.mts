// Types for expressions.mjs.
export function evaluate(text: string, context: Record<string, unknown>, functions?: Record<string, (...args: unknown[]) => unknown>): unknown
export function interpolate(value: unknown, context: Record<string, unknown>, functions?: Record<string, (...args: unknown[]) => unknown>): unknown
export function condition(text: unknown, context: Record<string, unknown>, functions?: Record<string, (...args: unknown[]) => unknown>): boolean | undefined
export function truthy(value: unknown): boolean
export function asString(value: unknown): string
