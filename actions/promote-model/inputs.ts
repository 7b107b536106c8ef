import { connectionInputs, policyInputs } from '../../src/core/common-inputs.js'
import {
  boolean,
  defineInputs,
  type InputsOf,
  type InputValues,
  integer,
  matching,
  optionalString,
  requiredString,
  secret,
  stringWithDefault
} from '../../src/core/inputs.js'
import { FieldError } from '../../src/core/errors.js'
import type { PromotionCandidate } from '../../src/promotion/register-and-promote.js'
import { DEFAULT_TAG_PREFIX } from '../../src/promotion/tags.js'

const specs = {
  'model-name': requiredString(),
  version: optionalString(),
  stage: optionalString(),
  alias: optionalString(matching(/^[\w-]+$/, 'an alias holds only letters, digits, _ and -')),
  'archive-existing': boolean(true),
  'allow-skip': boolean(false),
  'expected-previous-version': optionalString(
    matching(/^(\d+|none)$/i, 'use a version number, or none')
  ),
  rollback: boolean(false),
  'rollback-version': optionalString(
    matching(/^\d+$/, 'use the version number the validate job resolved')
  ),
  'dry-run': boolean(false),
  'plan-only': boolean(false),
  'approved-artifact-digest': optionalString(
    matching(
      /^sha256:[0-9a-f]{64}$/,
      "use sha256:<64 lowercase hex>, the validate job's artifact-digest output"
    )
  ),
  'approved-artifact-manifest': optionalString(),
  source: optionalString(),
  'create-model': boolean(false),
  'source-run-id': optionalString(
    matching(/^[\w-]+$/, 'a run id holds only letters, digits, _ and -')
  ),
  'git-commit': optionalString(),
  'lock-sha256': optionalString(),
  'model-md5': optionalString(),
  'timeout-seconds': integer(60, { min: 1, max: 3600 }),
  'consistent-reads': integer(2, { min: 1, max: 20 }),
  ...connectionInputs,
  ...policyInputs,
  'github-token': secret(optionalString()),
  'audit-file': stringWithDefault(
    'AUDIT.log',
    matching(/^[\w./-]+$/, 'use a relative path of letters, digits, _ . / and -')
  ),
  'tag-prefix': stringWithDefault(
    DEFAULT_TAG_PREFIX,
    matching(/^[\w./-]*$/, 'use letters, digits, _ . / and -')
  )
}

/**
 * The rules between inputs, once: a source registers the version it promotes, a rollback finds
 * its version itself, and anything else names the version to promote.
 */
function refine(
  values: InputValues<typeof specs>
): InputValues<typeof specs> & { candidate: PromotionCandidate } {
  const { source, version, rollback } = values
  if (values['plan-only'] && source)
    throw new FieldError(
      'plan-only',
      'plans the promotion of an existing version; it cannot register source. Remove source or plan-only'
    )
  if (values['approved-artifact-manifest'] && !values['approved-artifact-digest'])
    throw new FieldError(
      'approved-artifact-manifest',
      "is set without 'approved-artifact-digest'; pass both outputs of the validate run (artifact-digest and artifact-manifest)"
    )
  if (values['rollback-version'] && !rollback)
    throw new FieldError(
      'rollback-version',
      "is set but 'rollback' is false; it names the version a rollback must restore"
    )
  if (source && (version || rollback))
    throw new FieldError(
      'source',
      'registers a new version and promotes that one; leave version empty and rollback false with it.'
    )
  if (rollback && version)
    throw new FieldError(
      'version',
      "and 'rollback' are both set; rollback finds the version itself, so remove 'version'"
    )
  let candidate: PromotionCandidate
  if (source) {
    candidate = {
      kind: 'register',
      registration: {
        source,
        runId: values['source-run-id'],
        createModel: values['create-model'],
        lineage: {
          gitCommit: values['git-commit'],
          lockSha256: values['lock-sha256'],
          modelMd5: values['model-md5']
        },
        timeoutMs: values['timeout-seconds'] * 1000,
        dryRun: values['dry-run']
      }
    }
  } else if (rollback) candidate = { kind: 'rollback' }
  else if (version) candidate = { kind: 'version', version }
  else
    throw new FieldError(
      'version',
      "is required unless 'rollback' is true; set a version number, latest, alias:<name>, stage:<Stage> or run:<run_id>"
    )
  return { ...values, candidate }
}

/** Keys are exactly promote-model/action.yml's inputs (checked by test/unit/action-inputs.test.ts). */
export const inputs = defineInputs(specs, refine)
export type Inputs = InputsOf<typeof inputs>
