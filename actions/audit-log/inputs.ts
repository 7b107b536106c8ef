import { z } from 'zod'
import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import {
  boolean,
  choice,
  defineInputs,
  integer,
  optionalString,
  stringWithDefault
} from '../../src/core/inputs.js'

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, 'is not a lowercase hex SHA-256')

/** Keys are exactly audit-log/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs({
  mode: choice(['append', 'verify', 'render', 'reconcile'], 'append'),
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
  'sign-off': optionalString(),
  ...connectionInputs,
  ...policyInputs,
  'fail-on-drift': boolean(true),
  'record-drift': boolean(false),
  token: optionalString(),
  push: boolean(true),
  branch: optionalString(),
  'commit-method': choice(['git', 'api'], 'git'),
  'max-attempts': integer(10, { min: 1, max: 100 }),
  'backoff-ms': integer(1000, { min: 0, max: 60_000 }),
  'author-name': stringWithDefault('github-actions[bot]'),
  'author-email': stringWithDefault('41898282+github-actions[bot]@users.noreply.github.com'),
  'render-limit': integer(20, { min: 1, max: 1000 }),
  'expected-sha256': optionalString(SHA256),
  history: boolean(true),
  'approval-workflows': optionalString(),
  'audit-identities': optionalString(),
  'expected-commit': optionalString(
    z.string().regex(/^[0-9a-f]{7,64}$/, 'is not a commit id (7 to 64 lowercase hex digits)')
  )
})
