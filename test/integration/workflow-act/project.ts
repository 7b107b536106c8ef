import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DVC, OUTPUT, ROOT, VENV_BIN } from '../../harness/paths.js'

/**
 * The policy the act runs promote under: Staging guarded by the `staging` environment (named after
 * it), Production by two roles that each sign off through an environment of their own.
 */
export const POLICY = `version: 1
stages:
  - name: Development
  - name: Staging
    gates: [accuracy >= 0.80]
  - name: Production
    requires_approval: true
    gates: [accuracy >= 0.80]
    lineage: required
    sign_off:
      - role: data-science-lead
        environment: production-ds
        approvers: [alice]
      - role: mlops-engineer
        environment: production-ops
        approvers: [bob]
`

export interface ActProject {
  /** The user's repository: a work tree on main, pushed to the bare remote. */
  repo: string
  remote: string
  git: (...args: string[]) => string
  /** The model file's bytes, as DVC produced them (what the registered artifact must be). */
  modelBytes: Buffer
}

/**
 * A real DVC project in a git repository with a bare remote: prepare → train, the prepared data
 * and the model DVC outputs (in .gitignore, so a clean clone has neither), params in git, the
 * governance policy and the example callers (model-name set) on main.
 */
export function actProject(model: string): ActProject {
  const base = mkdtempSync(path.join(mkdirp(path.join(OUTPUT, 'workflow-act')), 'project-'))
  const remote = path.join(base, 'remote.git')
  const repo = path.join(base, 'repo')
  const env = {
    ...process.env,
    PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    DVC_NO_ANALYTICS: '1'
  }
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote])
  mkdirSync(path.join(repo, 'raw'), { recursive: true })
  mkdirSync(path.join(repo, '.github', 'workflows'), { recursive: true })
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim()
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Dana Scientist')
  git('config', 'user.email', 'dana@example.com')
  // origin is GitHub's URL, as in a real clone: act derives GITHUB_REPOSITORY from it. The test
  // pushes to the bare remote by its path; the runs reach it through the insteadOf in act's HOME.
  git('remote', 'add', 'origin', 'https://github.com/acme/models')
  writeFileSync(path.join(repo, '.github', 'model-governance.yml'), POLICY)
  // A third caller: promote.yml with dvc-pull, for the run that verifies the data too.
  const promote = readFileSync(path.join(ROOT, 'examples', 'workflows', 'promote.yml'), 'utf8')
  writeFileSync(
    path.join(repo, '.github', 'workflows', 'promote-pulled.yml'),
    promote
      .replace('name: Promote a model', 'name: Promote a model with its data')
      .replace(
        'model-name: churn-classifier',
        `model-name: ${model}\n      audit-commit-method: git\n      dvc-pull: true`
      )
      // As the example says: the run-name names the model too (the run check's binding).
      .replaceAll('churn-classifier', model)
  )
  for (const caller of ['promote.yml', 'rollback.yml']) {
    const text = readFileSync(path.join(ROOT, 'examples', 'workflows', caller), 'utf8')
    // commit-method git: AUDIT.log then lands on the bare remote, where each test reads it (the
    // GraphQL committer is tested against its own stand-in in test/integration/audit-log).
    writeFileSync(
      path.join(repo, '.github', 'workflows', caller),
      text
        .replace(
          'model-name: churn-classifier',
          `model-name: ${model}\n      audit-commit-method: git`
        )
        .replaceAll('churn-classifier', model)
    )
  }
  writeFileSync(path.join(repo, 'raw', 'train.csv'), 'x,y\n1,0\n2,1\n3,1\n4,0\n')
  writeFileSync(path.join(repo, 'params.yaml'), 'train:\n  depth: 4\n')
  writeFileSync(
    path.join(repo, 'dvc.yaml'),
    [
      'stages:',
      '  prepare:',
      "    cmd: python -c \"import os; os.makedirs('data', exist_ok=True); open('data/prepared.csv', 'w').write(open('raw/train.csv').read().upper())\"",
      '    deps: [raw/train.csv]',
      '    outs: [data/prepared.csv]',
      '  train:',
      "    cmd: python -c \"import os; os.makedirs('model', exist_ok=True); open('model/model.bin', 'w').write(open('data/prepared.csv').read() * 2)\"",
      '    deps: [data/prepared.csv]',
      '    params: [train.depth]',
      '    outs: [model/model.bin]',
      'artifacts:',
      '  classifier:',
      '    path: model/model.bin',
      '    type: model',
      ''
    ].join('\n')
  )
  execFileSync(DVC, ['init', '-q'], { cwd: repo, env })
  // The project's DVC remote, a folder here, as an S3 bucket would be: the dvc-pull runs read it.
  execFileSync(DVC, ['remote', 'add', '-q', '-d', 'storage', path.join(base, 'dvc-remote')], {
    cwd: repo,
    env
  })
  execFileSync(DVC, ['repro', '-q'], { cwd: repo, env })
  execFileSync(DVC, ['push', '-q'], { cwd: repo, env })
  git('add', '-A')
  git('commit', '-q', '-m', 'Churn model: pipeline, policy and the promotion callers')
  git('push', '-q', remote, 'main')
  return { repo, remote, git, modelBytes: readFileSync(path.join(repo, 'model', 'model.bin')) }
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return dir
}
