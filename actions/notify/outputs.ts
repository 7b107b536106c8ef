import { defineOutputs, type OutputValues } from '../../src/core/outputs.js'
import type { Delivery } from '../../src/notify/deliver.js'

/** Names are exactly notify/action.yml's outputs (checked by test/unit/action-outputs.test.ts). */
export const outputs = defineOutputs(['sent', 'sent-to'])

/** sent: every destination accepted (false when there was none); sent-to: those that did. */
export function deliveryOutputs(results: Delivery[]): OutputValues<typeof outputs> {
  return {
    sent: results.length > 0 && results.every(r => r.ok),
    'sent-to': results
      .filter(r => r.ok)
      .map(r => r.target)
      .join(',')
  }
}
