import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { MemoryLogger } from '../../../src/core/logger.js'
import { findStage, loadPolicy } from '../../../src/policy/index.js'
import { ROOT } from '../../harness/paths.js'

const DEMO = path.join(ROOT, 'scripts', 'demo')
const read = (...parts: string[]): string => readFileSync(path.join(DEMO, ...parts), 'utf8')

describe('the demo project', () => {
  it("is governed by its .mlflow/config.yaml, named nowhere, as the seed's is: Production signed off by two roles", () => {
    const logger = new MemoryLogger()
    const policy = loadPolicy({ workspace: path.join(DEMO, 'project'), logger })
    expect(policy.source).toBe('.mlflow/config.yaml')
    expect(logger.messages('notice')).toHaveLength(1)
    expect(logger.messages('warning')).toEqual([])
    expect(findStage(policy, 'Production')).toMatchObject({
      requires_approval: true,
      allow_self_approval: false,
      environment: 'production'
    })
    expect(findStage(policy, 'Production')!.sign_off!.map(r => r.environment)).toEqual([
      'production-ds',
      'production-ops'
    ])
    expect(existsSync(path.join(DEMO, 'project', 'model-governance.yml'))).toBe(false)
    expect(read('main.mjs')).not.toContain('model-governance.yml')
  })

  it('runs the workflow in act through the shared runner, not an interpreter of its own', () => {
    expect(read('main.mjs')).toMatch(/from '\.\.\/lib\/act\.mjs'/)
    expect(existsSync(path.join(DEMO, 'workflow-runner.mjs'))).toBe(false)
    expect(existsSync(path.join(DEMO, 'expressions.mjs'))).toBe(false)
  })

  it('follows the governance dvc.yaml pattern: train and validate stages, params, metrics and validation.json, a model artifact', () => {
    const dvc = yaml.load(read('project', 'dvc.yaml')) as {
      stages: Record<
        string,
        { cmd: string; params?: unknown[]; metrics?: Record<string, unknown>[] }
      >
      artifacts: Record<string, { path: string; type: string }>
    }
    expect(Object.keys(dvc.stages)).toEqual(expect.arrayContaining(['train', 'validate']))
    expect(dvc.stages.train!.params).toEqual(['train'])
    expect(dvc.stages.train!.metrics!.map(m => Object.keys(m)[0])).toEqual(['metrics.json'])
    expect(dvc.stages.validate!.metrics!.map(m => Object.keys(m)[0])).toEqual(['validation.json'])
    expect(Object.values(dvc.artifacts)).toEqual([
      expect.objectContaining({ path: 'model/model.pkl', type: 'model' })
    ])
    expect(dvc.stages.train!.cmd).toBe('python src/train.py')
  })

  it('trains as the seed does: log_model inside the train stage, dvc repro, commit, then create_model_version from runs:/', () => {
    // The flavour's log_model runs inside the stage `dvc repro` runs, with MLflow's defaults.
    const train = read('project', 'src', 'train.py')
    expect(train).toContain('mlflow.sklearn.log_model(model, name="model"')
    expect(train).not.toContain('mlflow.source.git.commit')
    expect(existsSync(path.join(DEMO, 'project', 'src', 'log_model.py'))).toBe(false)
    expect(read('project', 'src', 'register.py')).toContain(
      'create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)'
    )
    const main = read('main.mjs')
    const repro = main.indexOf("['repro', '-q']")
    const commit = main.indexOf("git('commit', '-q', '-m', `Train v")
    const register = main.indexOf("'src/register.py'")
    expect([repro, commit, register].every(i => i > 0)).toBe(true)
    expect(repro).toBeLessThan(commit)
    expect(commit).toBeLessThan(register)
  })

  it("runs every check at the workflow's defaults: no caller input turns one off", () => {
    // The code, not its comments (a TODO names what it waits for).
    const main = read('main.mjs')
      .split('\n')
      .filter(l => !l.trim().startsWith('//'))
      .join('\n')
    for (const input of [
      'verify-mlflow-artifact',
      'missing-data',
      'fail-on-mismatch',
      'fail-on-violation',
      'allow-external',
      'allow-empty'
    ])
      expect(main).not.toContain(input)
    // The one setting it adds to the example callers is how audit-log commits.
    expect(main).toContain('`model-name: ${MODEL}\\n      audit-commit-method: git`')
  })

  it('ends by resolving Production with --download and predicting with mlflow.pyfunc.load_model', () => {
    const main = read('main.mjs')
    const resolve = main.search(/'resolve',\s+MODEL,\s+'Production',\s+'--download',\s+served/)
    const predict = main.indexOf("'src/predict.py', served")
    const verify = main.indexOf("mode: 'verify'")
    expect([resolve, predict, verify].every(i => i > 0)).toBe(true)
    expect(verify).toBeLessThan(resolve)
    expect(resolve).toBeLessThan(predict)
    expect(read('project', 'src', 'predict.py')).toContain('mlflow.pyfunc.load_model(sys.argv[1])')
  })
})
