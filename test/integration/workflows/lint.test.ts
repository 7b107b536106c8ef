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

/** actionlint's findings: one `file:line:col message [rule]` line each. */
function actionlintFindings(output: string): string[] {
  return output.split('\n').filter(line => /^\S+\.ya?ml:\d+:\d+:? /.test(line))
}

/**
 * Findings silenced, each with its reason: actionlint 1.7.7 (the newest we can install, see
 * README) predates two GitHub features the approval workflow relies on on purpose, and reports
 * them as syntax errors. zizmor, which knows both, still checks these files in full.
 */
const ACTIONLINT_UNSUPPORTED: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /unexpected key "queue" for "concurrency" section/,
    reason:
      'concurrency.queue: max (changelog 2026-05-07) queues promotions of one model FIFO instead of replacing the pending one'
  },
  {
    pattern: /specifying action "\$\/[\w-]+" in invalid format because ref is missing/,
    reason:
      "uses: $/<action> (changelog 2026-07-30) runs the suite's actions at the commit of the workflow itself (docs/workflow.md)"
  }
]

describe('shipped workflows', () => {
  it('exist', () => {
    expect(workflows).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/check-dist.yml'])
    )
  })

  it.each(workflows)('%s has no ${{ }} expression inside a run: script', file => {
    const doc = yaml.load(readFileSync(path.join(ROOT, file), 'utf8'))
    const offending = runScripts(doc).filter(r => r.script.includes('${{'))
    expect(offending).toEqual([])
  })

  it.each(workflows)(
    '%s starts from permissions: {} and pins every third-party action by commit SHA',
    file => {
      const text = readFileSync(path.join(ROOT, file), 'utf8')
      const doc = yaml.load(text) as { permissions?: unknown; on?: unknown }
      expect(doc.permissions).toEqual({})
      for (const match of text.matchAll(/uses:\s*([^\s#]+)/g)) {
        const ref = match[1]!
        if (ref.startsWith('./') || ref.startsWith('$/')) continue
        expect({ ref, pinned: /@[0-9a-f]{40}$/.test(ref) }).toEqual({ ref, pinned: true })
      }
    }
  )

  it.each(workflows)('%s is clean under actionlint', file => {
    const bin = path.join(
      ROOT,
      'node_modules',
      '@tktco',
      'node-actionlint',
      'bin',
      'node-actionlint.js'
    )
    const result = spawnSync(process.execPath, [bin, file], { cwd: ROOT, encoding: 'utf8' })
    const findings = actionlintFindings(result.stdout + result.stderr)
    const unexplained = findings.filter(f => !ACTIONLINT_UNSUPPORTED.some(u => u.pattern.test(f)))
    expect({ file, unexplained }).toEqual({ file, unexplained: [] })
    // A non-zero exit with no finding at all would be a crash, not a clean lint.
    if (findings.length === 0)
      expect({ file, output: result.stdout + result.stderr, code: result.status }).toMatchObject({
        code: 0
      })
  })

  it('filters only actionlint findings on syntax newer than its 1.7.7', () => {
    const text = readFileSync(path.join(ROOT, '.github/workflows/model-approval.yml'), 'utf8')
    expect(text).toMatch(/^ {2}queue: max$/m)
    expect(text).toMatch(/uses: \$\/promote-model$/m)
    for (const sample of [
      'x.yml:84:3 unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group" [syntax-check]'
    ]) {
      expect(ACTIONLINT_UNSUPPORTED.some(u => u.pattern.test(sample))).toBe(true)
    }
    expect(
      ACTIONLINT_UNSUPPORTED.some(u =>
        u.pattern.test('x.yml:3:1 unexpected key "queue" for "jobs" section [syntax-check]')
      )
    ).toBe(false)
  })

  it('are clean under zizmor (pedantic persona, offline)', () => {
    const dirs = WORKFLOW_DIRS.filter(d => existsSync(path.join(ROOT, d)))
    const result = spawnSync(
      path.join(VENV_BIN, 'zizmor'),
      ['--offline', '--persona=pedantic', '--no-progress', ...dirs],
      {
        cwd: ROOT,
        encoding: 'utf8'
      }
    )
    expect({ output: result.stdout, code: result.status }).toMatchObject({ code: 0 })
  })
})
