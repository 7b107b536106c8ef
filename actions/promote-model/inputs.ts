import { z } from 'zod'
import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import {
  boolean,
  defineInputs,
  integer,
  optionalString,
  requiredString,
  stringWithDefault
} from '../../src/core/inputs.js'
import { DEFAULT_TAG_PREFIX } from '../../src/promotion/index.js'

/** Keys are exactly promote-model/action.yml's inputs (checked by test/unit/promotion/action-yml.test.ts). */
export const inputs = defineInputs({
  'model-name': requiredString(),
  version: optionalString(),
  stage: optionalString(),
  alias: optionalString(
    z.string().regex(/^[\w-]+$/, 'an alias holds only letters, digits, _ and -')
  ),
  'archive-existing': boolean(true),
  'allow-skip': boolean(false),
  'expected-previous-version': optionalString(
    z.string().regex(/^(\d+|none)$/i, 'use a version number, or none')
  ),
  rollback: boolean(false),
  'dry-run': boolean(false),
  source: optionalString(),
  'create-model': boolean(false),
  'source-run-id': optionalString(
    z.string().regex(/^[\w-]+$/, 'a run id holds only letters, digits, _ and -')
  ),
  'git-commit': optionalString(),
  'lock-sha256': optionalString(),
  'model-md5': optionalString(),
  'timeout-seconds': integer(60, { min: 1, max: 3600 }),
  'consistent-reads': integer(2, { min: 1, max: 20 }),
  ...connectionInputs,
  ...policyInputs,
  'github-token': optionalString(),
  'audit-file': stringWithDefault(
    'AUDIT.log',
    z.string().regex(/^[\w./-]+$/, 'use a relative path of letters, digits, _ . / and -')
  ),
  'tag-prefix': stringWithDefault(
    DEFAULT_TAG_PREFIX,
    z.string().regex(/^[\w./-]*$/, 'use letters, digits, _ . / and -')
  )
})
