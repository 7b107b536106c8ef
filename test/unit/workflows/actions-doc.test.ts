import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, cpSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import yaml from 'js-yaml'
import { actionNames } from '../../../scripts/lib/actions.mjs'
import { ROOT } from '../../harness/paths.js'

const ACTIONS = actionNames()
const script = path.join(ROOT, 'scripts', 'gen-actions-doc.mjs')

describe('docs/actions.md', () => {
  it('is what scripts/gen-actions-doc.mjs generates from the action.yml files (run it when this fails)', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { cwd: ROOT, encoding: 'utf8' })
    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
  })

  it('lists every input and output of every action', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'actions.md'), 'utf8')
    for (const action of ACTIONS) {
      const spec = yaml.load(readFileSync(path.join(ROOT, action, 'action.yml'), 'utf8')) as {
        inputs?: Record<string, unknown>
        outputs?: Record<string, unknown>
      }
      const section = doc.slice(doc.indexOf(`## ${action}`))
      for (const name of [...Object.keys(spec.inputs ?? {}), ...Object.keys(spec.outputs ?? {})]) {
        expect({ action, name, listed: section.includes(`| \`${name}\` |`) }).toEqual({
          action,
          name,
          listed: true
        })
      }
    }
  })

  it('--check fails on a copy whose action.yml gained an input', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'actions-doc-'))
    for (const dir of [...ACTIONS, 'scripts', 'docs', '.github'])
      cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true })
    mkdirSync(path.join(copy, 'node_modules'), { recursive: true })
    cpSync(path.join(ROOT, 'node_modules', 'js-yaml'), path.join(copy, 'node_modules', 'js-yaml'), {
      recursive: true
    })
    cpSync(
      path.join(ROOT, 'node_modules', 'argparse'),
      path.join(copy, 'node_modules', 'argparse'),
      { recursive: true }
    )
    const actionYml = path.join(copy, 'audit-log', 'action.yml')
    const text = readFileSync(actionYml, 'utf8').replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new:\n    description: A new input.\n    required: false\n'
    )
    writeFileSync(actionYml, text)
    const script = path.join(copy, 'scripts', 'gen-actions-doc.mjs')
    const stale = spawnSync(process.execPath, [script, '--check'], { cwd: copy, encoding: 'utf8' })
    expect(stale.status).toBe(1)
    expect(stale.stderr).toMatch(/stale/)
    spawnSync(process.execPath, [script], { cwd: copy })
    expect(readFileSync(path.join(copy, 'docs', 'actions.md'), 'utf8')).toContain(
      '| `brand-new` | no |  | A new input. |'
    )
  })
})
