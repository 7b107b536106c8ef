import { describe, expect, it } from '@jest/globals'
import { inputs as auditLog } from '../../actions/audit-log/inputs.js'
import { inputs as lineageCheck } from '../../actions/lineage-check/inputs.js'
import { inputs as promoteModel } from '../../actions/promote-model/inputs.js'
import { inputs as resolveStage } from '../../actions/resolve-stage/inputs.js'
import { inputs as validateMetrics } from '../../actions/validate-metrics/inputs.js'
import { FieldError, renderError } from '../../src/core/errors.js'
import { actionFieldName } from '../../src/core/run.js'
import { cliFieldName } from '../../src/cli/fields.js'

/** Parses inputs as the runner passes them (a name absent is empty). */
function parse<V>(
  def: { parse(get: (n: string) => string | undefined): V },
  given: Record<string, string>
): V {
  return def.parse(name => given[name])
}

/** The message the run wrapper would fail the step with. */
function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(FieldError)
    return renderError(error, actionFieldName)
  }
  throw new Error('expected the inputs to be refused')
}

/**
 * The rules between inputs live once, in each action's inputs.ts (the refine step), and yield
 * one shape the domain can rely on: a combination the action does not accept never reaches it.
 */
describe('cross-field rules, refined once per action', () => {
  it('lineage-check: version needs model-name, model-name needs version or run-id, and the artifact check needs a subject', () => {
    expect(refusal(() => parse(lineageCheck, { version: '3' }))).toBe(
      "Input 'version' is set without 'model-name'; set both, or use 'run-id'"
    )
    expect(refusal(() => parse(lineageCheck, { 'model-name': 'churn' }))).toMatch(
      /^Input 'model-name' needs 'version'/
    )
    expect(refusal(() => parse(lineageCheck, { 'verify-mlflow-artifact': 'true' }))).toMatch(
      /^Input 'verify-mlflow-artifact' is true, but neither/
    )
    expect(parse(lineageCheck, { 'model-name': 'churn', version: '3' }).mlflow).toEqual({
      kind: 'version',
      model: 'churn',
      version: '3'
    })
    expect(parse(lineageCheck, { 'run-id': 'r1' }).mlflow).toEqual({ kind: 'run', runId: 'r1' })
    expect(parse(lineageCheck, {}).mlflow).toEqual({ kind: 'none' })
  })

  it('lineage-check find-lineage-commit: needs a version (or run) and the default branch', () => {
    const mode = { mode: 'find-lineage-commit' }
    expect(refusal(() => parse(lineageCheck, { ...mode, 'default-branch': 'main' }))).toMatch(
      /^Input 'mode' is find-lineage-commit, which needs 'model-name' \+ 'version' or 'run-id'/
    )
    expect(
      refusal(() => parse(lineageCheck, { ...mode, 'model-name': 'churn', version: '3' }))
    ).toMatch(/^Input 'default-branch' is empty/)
    expect(parse(lineageCheck, { ...mode, 'run-id': 'r1', 'default-branch': 'main' }).mode).toBe(
      'find-lineage-commit'
    )
    expect(refusal(() => parse(lineageCheck, { mode: 'locate' }))).toMatch(
      /^Input 'mode' is 'locate'/
    )
  })

  it('validate-metrics: a version, a run, or files; never a model without a version', () => {
    expect(refusal(() => parse(validateMetrics, { 'model-name': 'churn' }))).toMatch(
      /^Input 'model-name' is set without 'version'/
    )
    expect(refusal(() => parse(validateMetrics, { version: '2' }))).toMatch(
      /^Input 'version' is set without 'model-name'/
    )
    expect(parse(validateMetrics, { 'model-name': 'm', version: '2' }).candidate).toEqual({
      kind: 'version',
      model: 'm',
      version: '2'
    })
    expect(parse(validateMetrics, { 'run-id': 'r', 'model-name': 'm' }).candidate).toMatchObject({
      kind: 'run',
      runId: 'r',
      model: 'm'
    })
    expect(parse(validateMetrics, {}).candidate).toEqual({ kind: 'files' })
  })

  it('promote-model: a version unless rolling back, never both, and a source alone', () => {
    const base = { 'model-name': 'churn' }
    expect(refusal(() => parse(promoteModel, { ...base, stage: 'Staging' }))).toMatch(
      /^Input 'version' is required unless 'rollback' is true/
    )
    expect(refusal(() => parse(promoteModel, { ...base, version: '1', rollback: 'true' }))).toMatch(
      /^Input 'version' and 'rollback' are both set/
    )
    expect(
      refusal(() => parse(promoteModel, { ...base, source: 'runs:/a/m', version: '1' }))
    ).toMatch(/^Input 'source' registers a new version and promotes that one/)
    expect(parse(promoteModel, { ...base, rollback: 'true' }).candidate).toEqual({
      kind: 'rollback'
    })
    expect(parse(promoteModel, { ...base, version: 'latest' }).candidate).toEqual({
      kind: 'version',
      version: 'latest'
    })
    expect(parse(promoteModel, { ...base, source: 'runs:/a/m' }).candidate).toMatchObject({
      kind: 'register',
      registration: { source: 'runs:/a/m', timeoutMs: 60_000 }
    })
  })

  it('resolve-stage: a version number, or a rollback without one', () => {
    const base = { 'model-name': 'churn', 'target-stage': 'Staging' }
    expect(refusal(() => parse(resolveStage, { ...base, version: '2', rollback: 'true' }))).toMatch(
      /^Input 'version' must be empty with rollback/
    )
    expect(refusal(() => parse(resolveStage, { ...base, version: 'latest' }))).toBe(
      "Input 'version' is 'latest'; give the model version number to promote"
    )
    expect(parse(resolveStage, { ...base, rollback: 'true' }).target).toEqual({ kind: 'rollback' })
    expect(parse(resolveStage, { ...base, version: '2' }).target).toEqual({
      kind: 'version',
      version: '2'
    })
  })

  it('audit-log: an append names its event and model; verify needs neither', () => {
    expect(refusal(() => parse(auditLog, { 'model-name': 'churn' }))).toMatch(
      /^Input 'event' is required in append mode/
    )
    expect(refusal(() => parse(auditLog, { event: 'promote' }))).toMatch(
      /^Input 'model-name' is required in append mode/
    )
    expect(parse(auditLog, { mode: 'verify' }).mode).toBe('verify')
  })
})

describe('a field error, rendered by each interface', () => {
  const error = new FieldError('policy-file', "names 'gov.yml', which does not exist")

  it('is an input in an action, an option or variable on the command line, and plain in the domain', () => {
    expect(renderError(error, actionFieldName)).toBe(
      "Input 'policy-file' names 'gov.yml', which does not exist"
    )
    expect(renderError(error, cliFieldName)).toBe("--policy names 'gov.yml', which does not exist")
    expect(renderError(new FieldError('tracking-uri', 'is not a URL'), cliFieldName)).toBe(
      'MLFLOW_TRACKING_URI is not a URL'
    )
    expect(error.message).toBe("'policy-file' names 'gov.yml', which does not exist")
  })
})
