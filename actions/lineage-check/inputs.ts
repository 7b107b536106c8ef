import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import {
  boolean,
  choice,
  defineInputs,
  optionalString,
  stringWithDefault
} from '../../src/core/inputs.js'

/** Keys are exactly lineage-check/action.yml's inputs (checked by test/unit/lineage-check/inputs.test.ts). */
export const inputs = defineInputs({
  'working-directory': stringWithDefault('.'),
  'missing-data': choice(['fail', 'warn', 'lock-only'], 'fail'),
  'require-clean-git': boolean(true),
  'model-path': optionalString(),
  'model-name': optionalString(),
  version: optionalString(),
  'run-id': optionalString(),
  'verify-mlflow-artifact': boolean(false),
  'allow-external': boolean(false),
  'fail-on-mismatch': boolean(true),
  ...policyInputs,
  ...connectionInputs
})
