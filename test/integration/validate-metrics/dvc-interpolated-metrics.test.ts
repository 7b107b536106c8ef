import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import yaml from 'js-yaml'
import { dvcDeclaredMetrics } from '../../../src/gate/file-sources.js'
import { DVC, OUTPUT } from '../../harness/paths.js'

const run = promisify(execFile)

/**
 * Metrics paths written with `${}`, `foreach` and `matrix`: validate-metrics expands them as
 * DVC does, and reads the same set of files `dvc metrics show --json` reads.
 */
describe('dvc.yaml metrics paths with ${} and foreach/matrix, against dvc metrics show', () => {
  it('declares exactly the files DVC shows', async () => {
    mkdirSync(path.join(OUTPUT, 'gate-dvc'), { recursive: true })
    const dir = mkdtempSync(path.join(OUTPUT, 'gate-dvc', 'interp-'))
    const files = [
      'reports/summary-v2.json',
      'eval/train.json',
      'eval/test.json',
      'grid/lr0.1-small.json',
      'grid/lr0.1-large.json',
      'grid/lr0.01-small.json',
      'grid/lr0.01-large.json',
      'sub/wd-v2.json'
    ]
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
      writeFileSync(path.join(dir, f), JSON.stringify({ score: f.length }))
    }
    writeFileSync(path.join(dir, 'params.yaml'), 'version: v2\nsplits: [train, test]\n')
    writeFileSync(
      path.join(dir, 'dvc.yaml'),
      yaml.dump({
        vars: [{ lrs: [0.1, 0.01] }],
        metrics: ['reports/summary-${version}.json'],
        stages: {
          evaluate: {
            foreach: '${splits}',
            do: { cmd: 'true', metrics: [{ 'eval/${item}.json': { cache: false } }] }
          },
          grid: {
            matrix: { lr: '${lrs}', size: ['small', 'large'] },
            cmd: 'true',
            metrics: ['grid/lr${item.lr}-${item.size}.json']
          },
          wd: { cmd: 'true', wdir: 'sub', metrics: ['wd-${version}.json'] },
          // DVC interpolates mapping keys too.
          keyed: { cmd: 'true', metrics: [{ 'lit/${version}.json': { cache: false } }] }
        }
      })
    )
    const env = { ...process.env, DVC_NO_ANALYTICS: '1' }
    await run(DVC, ['init', '--no-scm', '-q'], { cwd: dir, env })
    const { stdout } = await run(DVC, ['metrics', 'show', '--json'], { cwd: dir, env })
    const shown = JSON.parse(stdout) as { '': { data: Record<string, unknown> } }
    const declared = dvcDeclaredMetrics(dir)
    expect(Object.keys(shown[''].data).sort()).toEqual([...files, 'lit/v2.json'].sort())
    expect(declared.sort()).toEqual(Object.keys(shown[''].data).sort())
  })
})
