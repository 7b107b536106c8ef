import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import { boolean, choice, defineInputs, optionalString } from '../../src/core/inputs.js'
import { AGGREGATES } from '../../src/gate/mlflow-sources.js'

/** Keys are exactly validate-metrics/action.yml's inputs (checked by test/unit/gate/action-inputs.test.ts). */
export const inputs = defineInputs({
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
})
