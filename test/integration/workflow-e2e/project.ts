import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DVC, OUTPUT, VENV_BIN } from '../../harness/paths.js'

/** The policy the end-to-end runs promote under: gates per stage, approvals for Production. */
export const POLICY = `version: 1
registry:
  mode: stages
environments: [staging, production]
stages:
  - name: Development
  - name: Staging
    gates: [accuracy >= 0.80]
    environment: staging
  - name: Production
    requires_approval: true
    approvers: [alice, bob]
    min_approvals: 1
    gates: [accuracy >= 0.80]
    champion:
      compare_to: stage:Production
      metrics:
        accuracy: { max_regression: 1% }
    lineage: required
    environment: production
`

export interface SampleProject {
  /** The repository the jobs run in (GITHUB_WORKSPACE), a clone with its data pulled. */
  workspace: string
  /** The bare remote audit-log pushes to. */
  remote: string
  git: (...args: string[]) => string
}

export const stepPath = `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`

/**
 * A real DVC project (one stage that turns data and params into a model file, declared as a
 * model artifact), reproduced with the venv's DVC and pushed to a bare git remote.
 */
export function sampleProject(): SampleProject {
  mkdirSync(path.join(OUTPUT, 'workflow-e2e'), { recursive: true })
  const base = mkdtempSync(path.join(OUTPUT, 'workflow-e2e', 'project-'))
  const remote = path.join(base, 'remote.git')
  const workspace = path.join(base, 'repo')
  const env = { ...process.env, PATH: stepPath, DVC_NO_ANALYTICS: '1' }
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote])
  mkdirSync(path.join(workspace, 'data'), { recursive: true })
  mkdirSync(path.join(workspace, '.github'), { recursive: true })
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: workspace, env, encoding: 'utf8' }).trim()
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Dana Scientist')
  git('config', 'user.email', 'dana@example.com')
  git('remote', 'add', 'origin', remote)
  writeFileSync(path.join(workspace, '.github', 'model-governance.yml'), POLICY)
  writeFileSync(path.join(workspace, 'data', 'train.csv'), 'x,y\n1,0\n2,1\n3,1\n')
  writeFileSync(path.join(workspace, 'params.yaml'), 'train:\n  depth: 4\n')
  writeFileSync(
    path.join(workspace, 'dvc.yaml'),
    [
      'stages:',
      '  train:',
      "    cmd: python -c \"import shutil, os; os.makedirs('model', exist_ok=True); shutil.copy('data/train.csv', 'model/model.bin')\"",
      '    deps: [data/train.csv]',
      '    params: [train.depth]',
      '    outs: [model/model.bin]',
      'artifacts:',
      '  classifier:',
      '    path: model/model.bin',
      '    type: model',
      ''
    ].join('\n')
  )
  execFileSync(DVC, ['init', '-q'], { cwd: workspace, env })
  execFileSync(DVC, ['repro', '-q'], { cwd: workspace, env })
  git('add', '-A')
  git('commit', '-q', '-m', 'Sample project, reproduced')
  git('push', '-q', 'origin', 'main')
  return { workspace, remote, git }
}
