import {
  allOf,
  boolean,
  defineInputs,
  type InputsOf,
  type InputValues,
  matching,
  optionalString,
  requiredString,
  secret,
  type StringRule,
  stringWithDefault
} from '../../src/core/inputs.js'
import { VERSION_NUMBER } from '../../src/audit/field-checks.js'
import { FieldError } from '../../src/core/errors.js'
import type { StageRequest } from '../../src/promotion/resolve-stage.js'
import { DEFAULT_POLICY_PATH } from '../../src/policy/paths.js'

const specs = {
  'model-name': requiredString(),
  version: optionalString(),
  'target-stage': requiredString(),
  justification: optionalString(),
  rollback: boolean(false),
  'policy-file': stringWithDefault(DEFAULT_POLICY_PATH, relativePath()),
  'policy-root': stringWithDefault('.', relativePath()),
  'github-token': secret(optionalString())
}

/** The rules between inputs, once: a rollback names no version; anything else names a number. */
function refine(
  values: InputValues<typeof specs>
): InputValues<typeof specs> & { target: StageRequest['target'] } {
  const { version, rollback } = values
  if (rollback && version)
    throw new FieldError(
      'version',
      'must be empty with rollback: the version given back is the previous holder'
    )
  if (!rollback && !VERSION_NUMBER.test(version ?? ''))
    throw new FieldError(
      'version',
      `is '${version ?? ''}'; give the model version number to promote`
    )
  const target: StageRequest['target'] = rollback
    ? { kind: 'rollback' }
    : { kind: 'version', version: version ?? '' }
  return { ...values, target }
}

/** Keys are exactly resolve-stage/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>

/**
 * A plain relative path: no absolute path, no `..`, nothing but letters, digits and _ . / -, so a
 * policy-file cannot step out of the checkout of the default branch into the dispatched commit.
 */
function relativePath(): StringRule {
  return allOf(matching(/^[\w./-]+$/, 'use a relative path of letters, digits, _ . / and -'), p =>
    p.startsWith('/') || p.split('/').includes('..')
      ? 'use a path inside the repository, without ..'
      : undefined
  )
}
