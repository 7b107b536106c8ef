import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import yaml from 'js-yaml'
import { policyFileSchema } from '../../../src/policy/schema.js'
import { ROOT } from '../../harness/paths.js'

/** The local runner's expression evaluator (scripts/demo/expressions.mjs), typed for the test. */
interface Expressions {
  evaluate(
    text: string,
    context: Record<string, unknown>,
    functions?: Record<string, () => unknown>
  ): unknown
  interpolate(value: unknown, context: Record<string, unknown>): unknown
}
const expressions = (await import(
  pathToFileURL(path.join(ROOT, 'scripts', 'demo', 'expressions.mjs')).href
)) as Expressions

describe("the local runner's ${{ }} expressions follow GitHub's rules", () => {
  const context = {
    inputs: { 'model-name': 'churn', rollback: false, version: '' },
    needs: { promote: { outputs: { version: '' }, result: 'failure' } }
  }

  it.each([
    ['inputs.model-name', 'churn'],
    ["needs.promote.outputs.version || 'fallback'", 'fallback'],
    ["inputs.model-name && 'yes'", 'yes'],
    ['!inputs.rollback', true],
    ["needs.promote.result == 'FAILURE'", true],
    ["needs.promote.result != 'failure'", false],
    ['needs.missing.outputs.x', null],
    ["inputs.version == ''", true],
    ["(inputs.rollback || inputs.model-name) == 'churn'", true]
  ])('%s', (text, expected) => {
    expect(expressions.evaluate(text, context)).toBe(expected)
  })

  it('interpolates inside strings and keeps a whole-value expression typed', () => {
    expect(
      expressions.interpolate('{"v": "${{ inputs.model-name }}", "n": "${{ needs.x.y }}"}', context)
    ).toBe('{"v": "churn", "n": ""}')
    expect(expressions.interpolate('${{ inputs.rollback }}', context)).toBe(false)
  })

  it('refuses what it cannot parse instead of guessing', () => {
    expect(() => expressions.evaluate("inputs.model-name == 'a", context)).toThrow(/Cannot parse/)
    expect(() => expressions.evaluate('fromJSON(inputs.version)', context)).toThrow(
      /Unknown function fromJSON/
    )
  })
})

describe('the demo project', () => {
  it('has a governance policy the suite accepts, with an allowlisted environment for each promotion stage', () => {
    const text = readFileSync(
      path.join(ROOT, 'scripts', 'demo', 'project', 'model-governance.yml'),
      'utf8'
    )
    const policy = policyFileSchema.parse(yaml.load(text))
    const guarded = policy.stages!.filter(s => s.environment)
    expect(guarded.map(s => s.name)).toEqual(['Staging', 'Production'])
    for (const stage of guarded) expect(policy.environments).toContain(stage.environment)
    expect(policy.stages!.find(s => s.name === 'Production')).toMatchObject({
      requires_approval: true,
      allow_self_approval: false
    })
  })

  it('follows the governance dvc.yaml pattern: train and validate stages, params, metrics and validation.json, a model artifact', () => {
    const dvc = yaml.load(
      readFileSync(path.join(ROOT, 'scripts', 'demo', 'project', 'dvc.yaml'), 'utf8')
    ) as {
      stages: Record<string, { params?: unknown[]; metrics?: Record<string, unknown>[] }>
      artifacts: Record<string, { path: string; type: string }>
    }
    expect(Object.keys(dvc.stages)).toEqual(expect.arrayContaining(['train', 'validate']))
    expect(dvc.stages.train!.params).toEqual(['train'])
    expect(dvc.stages.train!.metrics!.map(m => Object.keys(m)[0])).toEqual(['metrics.json'])
    expect(dvc.stages.validate!.metrics!.map(m => Object.keys(m)[0])).toEqual(['validation.json'])
    expect(Object.values(dvc.artifacts)).toEqual([
      expect.objectContaining({ path: 'model/model.pkl', type: 'model' })
    ])
  })
})
