import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { DVC, OUTPUT } from '../../harness/paths.js'
import { run } from './project-generator.js'

/**
 * A small real DVC project: `train` writes a model directory, `pack` a model file from it,
 * `report` is frozen and reads the packed model. Reproduced by DVC and committed to git.
 */
export function smallProject(prefix: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(path.join(OUTPUT, 'lineage'), { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'lineage', `${prefix}-`))
  writeFileSync(path.join(dir, 'data.txt'), 'training data\n')
  writeFileSync(path.join(dir, 'params.yaml'), 'train:\n  epochs: 3\n')
  writeFileSync(path.join(dir, 'README.md'), 'project\n')
  writeFileSync(
    path.join(dir, 'dvc.yaml'),
    yaml.dump({
      stages: {
        train: {
          cmd: 'mkdir -p model && echo weights-${train.epochs} > model/model.bin && cp data.txt model/data.txt',
          deps: ['data.txt'],
          params: ['train.epochs'],
          outs: ['model']
        },
        pack: {
          cmd: 'cat model/model.bin model/data.txt > model.pkl',
          deps: ['model'],
          outs: ['model.pkl']
        },
        report: { cmd: 'cp model.pkl report.bin', deps: ['model.pkl'], outs: ['report.bin'] }
      },
      artifacts: { classifier: { path: 'model.pkl', type: 'model' } },
      ...extra
    })
  )
  writeFileSync(path.join(dir, '.gitignore'), '/model\n/model.pkl\n/report.bin\n')
  run('git', ['init', '-q', '-b', 'main'], dir)
  run(DVC, ['init', '-q'], dir)
  run(DVC, ['config', 'core.site_cache_dir', path.join(dir, '.dvc', 'site-cache')], dir)
  run(DVC, ['repro', '-q'], dir)
  run(DVC, ['freeze', '-q', 'report'], dir)
  run('git', ['add', '-A'], dir)
  run('git', ['commit', '-q', '-m', 'pipeline'], dir)
  return dir
}

export function commitAll(dir: string, message: string): string {
  run('git', ['add', '-A'], dir)
  run('git', ['commit', '-q', '-m', message], dir)
  return run('git', ['rev-parse', 'HEAD'], dir).trim()
}
