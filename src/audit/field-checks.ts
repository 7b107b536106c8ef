import { hasUnsafeText } from '../core/text-safety.js'

/**
 * Checks on the text fields of an audit event. The audit log is evidence: a field that is not
 * what its name says (a version of `${{ steps.promote.outputs.version }}` left unexpanded by a
 * workflow, a stage holding a line break) must not be recorded as if it were valid. It is
 * recorded empty and named in the entry's `invalid` list, with one of the fixed reasons below:
 * never the rejected text itself, which may be anything.
 */

/** One field recorded empty because its input failed a check (format v1, optional key). */
export interface InvalidField {
  /** The entry key, e.g. previous_version. */
  field: string
  /** Why, from a fixed vocabulary (no input text). */
  reason: string
}

export type FieldCheck = (value: string) => string | undefined

const MAX_NAME = 256

/** A workflow expression that reached us unexpanded (or a template of some other tool). */
const EXPRESSION = /\$\{\{|\}\}/
function common(value: string): string | undefined {
  if (EXPRESSION.test(value)) return 'holds an unexpanded workflow expression'
  if (hasUnsafeText(value))
    return 'contains a line break, a control character or a bidirectional control character'
  return undefined
}

/**
 * A model version number as MLflow assigns them: a positive integer, sent as a decimal string.
 * promote-model's rollback and resolve-stage accept versions by the same pattern.
 */
export const VERSION_NUMBER = /^[1-9][0-9]{0,18}$/

/** MLflow model versions are positive integers, sent as decimal strings. */
export const isVersion: FieldCheck = value =>
  common(value) ??
  (VERSION_NUMBER.test(value) ? undefined : 'is not a version number (digits, e.g. 7)')

/**
 * Stage and alias names as promote-model and the policy spell them: `Production`,
 * `stage:Production`, `champion`, `alias:champion`, `@champion`, or a policy stage name
 * (letters, digits, space, `_`, `.`, `-`).
 */
export const isTarget: FieldCheck = value =>
  common(value) ??
  (value.length <= MAX_NAME &&
  /^(?:(?:stage|alias):\s*|@)?[\p{L}\p{N}_](?:[\p{L}\p{N}_. -]*[\p{L}\p{N}_.-])?$/iu.test(value)
    ? undefined
    : 'is not a stage or alias name (letters, digits, space, _ . -; optionally stage: or alias:)')

/** MLflow model names are free text, but not multi-line, not templates, not huge. */
export const isModelName: FieldCheck = value =>
  common(value) ??
  (value.trim() === ''
    ? 'is blank'
    : value.length > MAX_NAME
      ? `is longer than ${MAX_NAME} characters`
      : undefined)

/**
 * Runs `check` on a non-empty value; on failure records the field and returns ''. Empty stays
 * empty (every checked field is optional in the format).
 */
export function checked(
  field: string,
  value: string | undefined,
  check: FieldCheck,
  invalid: InvalidField[]
): string {
  const text = value ?? ''
  if (text === '') return ''
  const reason = check(text)
  if (reason === undefined) return text
  invalid.push({ field, reason })
  return ''
}
