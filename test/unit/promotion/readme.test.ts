import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { ROOT } from '../../harness/paths.js'

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: unknown }>
  outputs: Record<string, { description: string }>
}

/** Rows of the markdown table whose header starts with `| <first> |`, as cells. */
function table(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(l => l.startsWith(`| ${first} |`))
  const rows: string[][] = []
  for (let i = start + 2; start >= 0 && lines[i]?.startsWith('|'); i++) {
    rows.push(
      lines[i]!.slice(2, -2)
        .split(/(?<!\\) \| /)
        .map(c => c.trim().replace(/\\\|/g, '|'))
    )
  }
  return rows
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1')

describe('promote-model/README.md', () => {
  const action = yaml.load(
    readFileSync(path.join(ROOT, 'promote-model', 'action.yml'), 'utf8')
  ) as ActionYaml
  const readme = readFileSync(path.join(ROOT, 'promote-model', 'README.md'), 'utf8')

  it('lists every input of action.yml with its required flag, default and description', () => {
    const rows = table(readme, 'Input').map(([name, required, def, description]) => [
      unquote(name!),
      required,
      unquote(def!),
      description
    ])
    const expected = Object.entries(action.inputs).map(([name, input]) => [
      name,
      input.required ? 'yes' : 'no',
      input.default === undefined ? '' : String(input.default as string | number | boolean),
      input.description
    ])
    expect(rows).toEqual(expected)
  })

  it('lists every output of action.yml with its description', () => {
    const rows = table(readme, 'Output').map(([name, description]) => [unquote(name!), description])
    expect(rows).toEqual(
      Object.entries(action.outputs).map(([name, output]) => [name, output.description])
    )
  })

  it('documents the permissions and an example of each mode', () => {
    expect(readme).toMatch(/EDIT/)
    expect(readme).toMatch(/actions: read/)
    for (const input of [
      'stage: Production',
      'alias: champion',
      'rollback: true',
      'dry-run: true'
    ]) {
      expect(readme).toContain(input)
    }
  })
})
