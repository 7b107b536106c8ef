import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import { FieldError } from '../../src/core/errors.js'
import {
  boolean,
  choice,
  defineInputs,
  optionalString,
  stringWithDefault,
  type InputsOf,
  type InputValues
} from '../../src/core/inputs.js'

const specs = {
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
  mode: choice(['check', 'find-lineage-commit'], 'check'),
  stage: optionalString(),
  'default-branch': optionalString(),
  ...policyInputs,
  ...connectionInputs
}

/** Which MLflow record the commit is checked against, if any. */
export type MlflowSubject =
  | { kind: 'version'; model: string; version: string; runId?: string }
  | { kind: 'run'; runId: string; model?: string }
  | { kind: 'none' }

/** The rules between inputs, once: the MLflow link needs a version of a model, or a run. */
function refine(
  values: InputValues<typeof specs>
): InputValues<typeof specs> & { mlflow: MlflowSubject } {
  const model = values['model-name']
  const { version } = values
  const runId = values['run-id']
  if (version && !model)
    throw new FieldError('version', "is set without 'model-name'; set both, or use 'run-id'")
  if (model && !version && !runId)
    throw new FieldError(
      'model-name',
      "needs 'version' (the registered version to check); or use 'run-id'"
    )
  const mlflow: MlflowSubject =
    model && version
      ? { kind: 'version', model, version, ...(runId ? { runId } : {}) }
      : runId
        ? { kind: 'run', runId, ...(model ? { model } : {}) }
        : { kind: 'none' }
  if (values['verify-mlflow-artifact'] && mlflow.kind === 'none')
    throw new FieldError(
      'verify-mlflow-artifact',
      "is true, but neither 'model-name' + 'version' nor 'run-id' names what to compare; set them or turn it off"
    )
  if (values.mode === 'find-lineage-commit') {
    if (mlflow.kind === 'none')
      throw new FieldError(
        'mode',
        "is find-lineage-commit, which needs 'model-name' + 'version' or 'run-id' (whose lineage commit to find)"
      )
    if (!values['default-branch'])
      throw new FieldError(
        'default-branch',
        'is empty; mode find-lineage-commit accepts only commits on the default branch history, so name it (github.event.repository.default_branch)'
      )
  }
  return { ...values, mlflow }
}

/** Keys are exactly lineage-check/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>
