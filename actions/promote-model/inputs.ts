import { z } from 'zod'
import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import { boolean, defineInputs, optionalString, requiredString } from '../../src/core/inputs.js'

/** Keys are exactly promote-model/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  'model-name': requiredString(),
  version: requiredString(),
  stage: optionalString(),
  alias: optionalString(z.string().regex(/^[\w-]+$/, 'an alias holds only letters, digits, _ and -')),
  'dry-run': boolean(false),
  ...connectionInputs,
  ...policyInputs
})
