import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import type { InputDefinition, InputSpecs } from '../../src/core/inputs.js'
import type { OutputDefinition } from '../../src/core/outputs.js'
import { actionNames } from '../../scripts/lib/actions.mjs'
import { ROOT } from '../harness/paths.js'

const ACTIONS = actionNames()

function yamlOutputs(action: string): string[] {
  const meta = yaml.load(readFileSync(path.join(ROOT, action, 'action.yml'), 'utf8')) as {
    outputs?: Record<string, unknown>
  }
  return Object.keys(meta.outputs ?? {}).sort()
}

describe('the action list', () => {
  it('is derived from the action.yml files, and holds the seven actions of the suite', () => {
    expect(ACTIONS).toEqual([
      'audit-log',
      'lineage-check',
      'notify',
      'promote-model',
      'reconcile',
      'resolve-stage',
      'validate-metrics'
    ])
  })
})

describe.each(ACTIONS)('%s has the one shape: index → inputs → main → outputs', action => {
  const dir = path.join(ROOT, 'actions', action)

  it('has exactly index.ts, inputs.ts, main.ts and outputs.ts, and index.ts only wires them', () => {
    for (const file of ['index.ts', 'inputs.ts', 'main.ts', 'outputs.ts'])
      expect({ file, exists: existsSync(path.join(dir, file)) }).toEqual({ file, exists: true })
    const index = readFileSync(path.join(dir, 'index.ts'), 'utf8')
    // No logic in the entry: imports, comments and the call, which imports main.ts only when
    // the inputs are valid (a cold start that fails on its inputs loads no domain code).
    const code = index
      .split('\n')
      .filter(l => l.trim() && !l.startsWith('//') && !l.startsWith('import'))
      .map(l => l.trim())
      .join(' ')
    expect(code).toBe(
      `await runAction('${action}', inputs, outputs, async context => (await import('./main.js')).main(context) )`
    )
    expect(index).not.toMatch(/import \{ main \}/)
  })

  it("declares exactly action.yml's outputs", async () => {
    const mod = (await import(`../../actions/${action}/outputs.js`)) as {
      outputs: OutputDefinition<string>
    }
    expect([...mod.outputs.names].sort()).toEqual(yamlOutputs(action))
  })

  it('marks every token, password and webhook URL input as a secret, and nothing else', async () => {
    const mod = (await import(`../../actions/${action}/inputs.js`)) as {
      inputs: InputDefinition<InputSpecs>
    }
    const expected = Object.keys(mod.inputs.specs)
      // A webhook URL is its own credential: whoever has it can post to the channel.
      .filter(name => /(^|-)(token|password|webhook-url)$/.test(name))
      .sort()
    expect([...mod.inputs.secrets].sort()).toEqual(expected)
  })
})
