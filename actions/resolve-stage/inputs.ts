import { z } from 'zod'
import {
  boolean,
  defineInputs,
  optionalString,
  requiredString,
  stringWithDefault
} from '../../src/core/inputs.js'
import { DEFAULT_POLICY_PATH } from '../../src/policy/index.js'

/** Keys are exactly resolve-stage/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  'model-name': requiredString(),
  version: optionalString(),
  'target-stage': requiredString(),
  justification: optionalString(),
  rollback: boolean(false),
  'policy-file': stringWithDefault(DEFAULT_POLICY_PATH, relativePath()),
  'policy-root': stringWithDefault('.', relativePath()),
  'github-token': optionalString()
})

/**
 * A plain relative path: no absolute path, no `..`, nothing but letters, digits and _ . / -, so a
 * policy-file cannot step out of the checkout of the default branch into the dispatched commit.
 */
function relativePath(): z.ZodString {
  return z
    .string()
    .regex(/^[\w./-]+$/, 'use a relative path of letters, digits, _ . / and -')
    .refine(
      p => !p.startsWith('/') && !p.split('/').includes('..'),
      'use a path inside the repository, without ..'
    )
}
