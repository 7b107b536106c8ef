import type { Policy } from '../../policy/index.js'
import { resolveTargetSpec } from '../../reconcile/targets.js'
import { UsageError } from '../exit-codes.js'

/**
 * `Production`, `stage:Production`, `alias:champion` or `champion`, read as promote-model and
 * resolve read them (resolveTargetSpec), then found among the targets status lists.
 */
export function pickTarget<T extends { kind: string; target: string }>(
  targets: T[],
  wanted: string,
  model: string,
  policy: Policy
): T {
  const target = resolveTargetSpec(wanted, policy)
  const found = targets.find(t => t.kind === target.kind && t.target === target.name)
  if (found) return found
  const known = targets.map(t => `${t.kind}:${t.target}`).join(', ')
  throw new UsageError(
    `${model} has no ${target.kind} '${target.name}' under its policy or in its audit trail; use one of: ${known || '(none)'}`
  )
}
