import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { ROOT, VENV_BIN } from '../../harness/paths.js'

/** Every workflow the project ships: its own and the examples users copy. */
const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows']
const workflows = WORKFLOW_DIRS.flatMap(dir => {
  const full = path.join(ROOT, dir)
  return existsSync(full)
    ? readdirSync(full)
        .filter(f => /\.ya?ml$/.test(f))
        .map(f => path.join(dir, f))
    : []
})

/** Collects every `run:` script in a parsed workflow, with where it sits. */
function runScripts(doc: unknown): { where: string; script: string }[] {
  const found: { where: string; script: string }[] = []
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${where}[${i}]`))
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'run' && typeof value === 'string') found.push({ where, script: value })
        else walk(value, `${where}.${key}`)
      }
    }
  }
  walk(doc, '')
  return found
}

describe('shipped workflows', () => {
  it('exist', () => {
    expect(workflows).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/check-dist.yml']))
  })

  it.each(workflows)('%s has no ${{ }} expression inside a run: script', file => {
    const doc = yaml.load(readFileSync(path.join(ROOT, file), 'utf8'))
    const offending = runScripts(doc).filter(r => r.script.includes('${{'))
    expect(offending).toEqual([])
  })

  it.each(workflows)('%s starts from permissions: {} and pins every third-party action by commit SHA', file => {
    const text = readFileSync(path.join(ROOT, file), 'utf8')
    const doc = yaml.load(text) as { permissions?: unknown; on?: unknown }
    expect(doc.permissions).toEqual({})
    for (const match of text.matchAll(/uses:\s*([^\s#]+)/g)) {
      const ref = match[1]!
      if (ref.startsWith('./') || ref.startsWith('$/')) continue
      expect({ ref, pinned: /@[0-9a-f]{40}$/.test(ref) }).toEqual({ ref, pinned: true })
    }
  })

  it.each(workflows)('%s is clean under actionlint', file => {
    const bin = path.join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js')
    const result = spawnSync(process.execPath, [bin, file], { cwd: ROOT, encoding: 'utf8' })
    expect({ file, output: result.stdout + result.stderr, code: result.status }).toMatchObject({ code: 0 })
  })

  it('are clean under zizmor (pedantic persona, offline)', () => {
    const dirs = WORKFLOW_DIRS.filter(d => existsSync(path.join(ROOT, d)))
    const result = spawnSync(path.join(VENV_BIN, 'zizmor'), ['--offline', '--persona=pedantic', '--no-progress', ...dirs], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    expect({ output: result.stdout, code: result.status }).toMatchObject({ code: 0 })
  })
})
