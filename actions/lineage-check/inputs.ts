import { policyInputs } from '../../src/core/common-inputs.js'
import { choice, defineInputs, stringWithDefault } from '../../src/core/inputs.js'

/** Keys are exactly lineage-check/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  'working-directory': stringWithDefault('.'),
  'missing-data': choice(['fail', 'warn', 'lock-only'], 'fail'),
  ...policyInputs
})
