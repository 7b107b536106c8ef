import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import { FieldError } from '../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  optionalString,
  type InputsOf,
  type InputValues
} from '../../src/core/inputs.js'
import { AGGREGATES } from '../../src/gate/aggregates.js'
import { candidateOf, type Candidate } from '../../src/gate/candidate.js'

const specs = {
  'model-name': optionalString(),
  version: optionalString(),
  'run-id': optionalString(),
  thresholds: optionalString(),
  stage: optionalString(),
  'allow-empty': boolean(false),
  'metrics-files': optionalString(),
  'dvc-metrics': boolean(false),
  'allow-external': boolean(false),
  prefer: optionalString(),
  aggregate: choice(AGGREGATES, 'latest'),
  missing: choice(['fail', 'warn'] as const, 'fail'),
  'compare-to': optionalString(),
  'max-regression': optionalString(),
  'min-improvement': optionalString(),
  'greater-is-better': optionalString(),
  'allow-unfinished-runs': boolean(false),
  'fail-on-violation': boolean(true),
  ...connectionInputs,
  ...policyInputs
}

/** The rules between inputs, once: whose metrics are checked (a version, a run, or files). */
function refine(
  values: InputValues<typeof specs>
): InputValues<typeof specs> & { candidate: Candidate } {
  const model = values['model-name']
  const { version } = values
  const runId = values['run-id']
  if (model && !version && !runId)
    throw new FieldError(
      'model-name',
      "is set without 'version'; set the version whose metrics are checked (or 'run-id')"
    )
  if (version && !model)
    throw new FieldError('version', "is set without 'model-name'; set the registered model's name")
  return { ...values, candidate: candidateOf({ model, version, runId }) }
}

/** Keys are exactly validate-metrics/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>
