import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import { defineInputs, optionalString } from '../../src/core/inputs.js'

/** Keys are exactly validate-metrics/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  'model-name': optionalString(),
  version: optionalString(),
  'run-id': optionalString(),
  thresholds: optionalString(),
  stage: optionalString(),
  ...connectionInputs,
  ...policyInputs
})
