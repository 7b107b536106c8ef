import { auditCommitInputs } from '../../src/core/common-inputs.js'
import { FieldError } from '../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  type InputsOf,
  type InputValues,
  integer,
  matching,
  optionalString,
  stringWithDefault
} from '../../src/core/inputs.js'

const SHA256 = matching(/^[0-9a-f]{64}$/, 'is not a lowercase hex SHA-256')

const specs = {
  mode: choice(['append', 'verify', 'render'], 'append'),
  file: stringWithDefault('AUDIT.log'),
  event: optionalString(),
  outcome: optionalString(),
  'model-name': optionalString(),
  version: optionalString(),
  from: optionalString(),
  to: optionalString(),
  'previous-version': optionalString(),
  // Kept raw: the issue asks for newlines and surrounding text to be stored as given.
  reason: { required: false, parse: (raw: string | undefined) => raw ?? '' },
  metrics: optionalString(),
  gates: optionalString(),
  lineage: optionalString(),
  artifact: optionalString(),
  'sign-off': optionalString(),
  'tracking-uri': optionalString(),
  ...auditCommitInputs,
  'render-limit': integer(20, { min: 1, max: 1000 }),
  'expected-sha256': optionalString(SHA256),
  history: boolean(true),
  'approval-workflows': optionalString(),
  'audit-identities': optionalString(),
  'expected-commit': optionalString(
    matching(/^[0-9a-f]{7,64}$/, 'is not a commit id (7 to 64 lowercase hex digits)')
  )
}

/** The rules between inputs, once: an append names its event and model. */
function refine(values: InputValues<typeof specs>): InputValues<typeof specs> {
  if (values.mode === 'append') {
    if (!values.event)
      throw new FieldError(
        'event',
        'is required in append mode; set it to promote, rollback, gate-failed, ...'
      )
    if (!values['model-name'])
      throw new FieldError(
        'model-name',
        "is required in append mode; set it to the registered model's name"
      )
  }
  return values
}

/** Keys are exactly audit-log/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>
