import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import type { InputDefinition, InputSpecs } from '../../src/core/inputs.js'
import { actionNames } from '../../scripts/lib/actions.mjs'
import { ROOT } from '../harness/paths.js'

const ACTIONS = actionNames()

interface ActionYaml {
  name?: string
  description?: string
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>
  outputs?: Record<string, { description?: string }>
  runs?: { using?: string; main?: string }
}

function actionYaml(action: string): ActionYaml {
  return yaml.load(readFileSync(path.join(ROOT, action, 'action.yml'), 'utf8')) as ActionYaml
}

async function definition(action: string): Promise<InputDefinition<InputSpecs>> {
  const mod = (await import(`../../actions/${action}/inputs.js`)) as {
    inputs: InputDefinition<InputSpecs>
  }
  return mod.inputs
}

describe.each(ACTIONS)('%s/action.yml', action => {
  it('runs the committed bundle on node24 from the repository-root layout', () => {
    const meta = actionYaml(action)
    expect(meta.runs).toEqual({ using: 'node24', main: `../dist/${action}/index.js` })
    expect(meta.name).toBeTruthy()
    expect(meta.description).toBeTruthy()
  })

  it('declares exactly the inputs of the zod schema, with the same required flags and defaults', async () => {
    const meta = actionYaml(action)
    const specs = (await definition(action)).specs
    const yamlInputs = meta.inputs ?? {}
    expect(Object.keys(yamlInputs).sort()).toEqual(Object.keys(specs).sort())
    for (const [name, spec] of Object.entries(specs)) {
      const declared = yamlInputs[name]!
      expect({ name, required: declared.required === true }).toEqual({
        name,
        required: spec.required
      })
      const yamlDefault =
        declared.default === undefined
          ? undefined
          : typeof declared.default === 'string'
            ? declared.default
            : JSON.stringify(declared.default)
      expect({ name, default: yamlDefault }).toEqual({ name, default: spec.default })
    }
  })

  it('names inputs and outputs in kebab-case, each with a description, booleans with a default', async () => {
    const meta = actionYaml(action)
    const specs = (await definition(action)).specs
    for (const [name, input] of Object.entries(meta.inputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
      expect({ name, described: Boolean(input.description?.trim()) }).toEqual({
        name,
        described: true
      })
      if (specs[name]?.default === 'true' || specs[name]?.default === 'false') {
        expect(['true', 'false']).toContain(String(input.default))
      }
    }
    for (const [name, output] of Object.entries(meta.outputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
      expect({ name, described: Boolean(output.description?.trim()) }).toEqual({
        name,
        described: true
      })
    }
  })
})
