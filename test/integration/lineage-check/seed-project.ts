import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { DVC, OUTPUT } from '../../harness/paths.js'
import { run } from './project-generator.js'

/**
 * The seed's layout without MLflow: data added with `dvc add`, a `train` stage that reads it
 * (and a helper folder) and writes models/model.pkl and metrics.json (git-tracked, cache:
 * false), an `evaluate` stage after it. Reproduced by DVC and committed; a clean clone of it
 * holds code, params and metrics, and none of the DVC-cached data.
 */
export function seedLikeProject(prefix: string): string {
  mkdirSync(path.join(OUTPUT, 'lineage'), { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'lineage', `${prefix}-`))
  const w = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), text)
  }
  w('data/data.csv', 'x,y\n1,2\n3,4\n5,6\n')
  w('params.yaml', 'train:\n  n_estimators: 10\n  seed: 7\n')
  w('src/helper.py', 'def scale(v):\n    return v * 2\n')
  w(
    'train.py',
    [
      'import json, os',
      "rows = open('data/data.csv').read().splitlines()[1:]",
      "os.makedirs('models', exist_ok=True)",
      "open('models/model.pkl', 'w').write('model:' + str(len(rows)) + '\\n')",
      "json.dump({'rows': len(rows)}, open('metrics.json', 'w'))",
      ''
    ].join('\n')
  )
  w(
    'evaluate.py',
    [
      'import os',
      "os.makedirs('eval', exist_ok=True)",
      "open('eval/report.txt', 'w').write(open('models/model.pkl').read())",
      ''
    ].join('\n')
  )
  w(
    'dvc.yaml',
    yaml.dump({
      stages: {
        train: {
          cmd: 'python3 train.py',
          deps: ['train.py', 'src', 'data/data.csv'],
          params: ['train.n_estimators'],
          outs: ['models/model.pkl'],
          metrics: [{ 'metrics.json': { cache: false } }]
        },
        evaluate: {
          cmd: 'python3 evaluate.py',
          deps: ['evaluate.py', 'models/model.pkl'],
          outs: ['eval/report.txt']
        }
      },
      artifacts: { model: { path: 'models/model.pkl', type: 'model' } }
    })
  )
  run('git', ['init', '-q', '-b', 'main'], dir)
  run(DVC, ['init', '-q'], dir)
  run(DVC, ['add', '-q', 'data/data.csv'], dir)
  run(DVC, ['repro', '-q'], dir)
  run('git', ['add', '-A'], dir)
  run('git', ['commit', '-q', '-m', 'seed pipeline'], dir)
  return dir
}

/** `git clone` of a project: what a workflow's checkout holds (no DVC data, no cache). */
export function cleanClone(source: string, prefix: string): string {
  const dir = mkdtempSync(path.join(OUTPUT, 'lineage', `${prefix}-`))
  run('git', ['clone', '-q', source, dir], OUTPUT)
  return dir
}

/** The DVC-cached data of seedLikeProject: what a clean clone lacks. */
export const SEED_ABSENT = ['data/data.csv', 'models/model.pkl', 'eval/report.txt']
