import { auditCommitInputs, connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import {
  boolean,
  defineInputs,
  stringWithDefault,
  optionalString,
  type InputsOf
} from '../../src/core/inputs.js'

/** Keys are exactly reconcile/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  file: stringWithDefault('AUDIT.log'),
  'model-name': optionalString(),
  ...connectionInputs,
  ...policyInputs,
  'fail-on-drift': boolean(true),
  'record-drift': boolean(false),
  history: boolean(true),
  'audit-identities': optionalString(),
  ...auditCommitInputs
})
export type Inputs = InputsOf<typeof inputs>
