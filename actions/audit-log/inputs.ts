import { choice, defineInputs, optionalString, stringWithDefault } from '../../src/core/inputs.js'

/** Keys are exactly audit-log/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  mode: choice(['append', 'verify', 'render', 'reconcile'], 'append'),
  file: stringWithDefault('AUDIT.log'),
  event: optionalString()
})
