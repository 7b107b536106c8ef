import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { DVC, OUTPUT, PYTHON, ROOT, VENV_BIN } from '../../harness/paths.js'
import { SEED_MLFLOW_CONFIG } from '../../harness/policies.js'

/**
 * The seed's project, built as its user builds it, with the real tools: data added with
 * `dvc add`, a `train` stage running test/python/seed_train.py (`mlflow.sklearn.log_model`
 * inside the run, MLflow 3's defaults) that writes models/model.pkl and metrics.json, a
 * `validate` stage that scores models/model.pkl into validation.json, the model declared as a
 * DVC artifact, and the seed's .mlflow/config.yaml as the only policy (no
 * .github/model-governance.yml). Trained by `dvc repro`, then `git commit` and push to a bare
 * remote; each version registered the seed's way (test/python/seed_register.py).
 */
export interface SeedProject {
  repo: string
  remote: string
  git: (...args: string[]) => Promise<string>
  /** Stages everything and commits; returns the new HEAD. */
  commit: (message: string) => Promise<string>
  /** Pushes main to the bare remote. */
  push: () => Promise<void>
  /** Fetches the audit commits the runs pushed and fast-forwards main to them. */
  sync: () => Promise<void>
  /** Runs `command` (dvc repro, or the script itself) to train, then registers the run's model. */
  trainAndRegister: (command: 'dvc repro' | 'python train.py') => Promise<Trained>
}

export interface Trained {
  version: string
  runId: string
}

/** The environment training and registration run in: the venv first, the store's variables. */
function toolEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    DVC_NO_ANALYTICS: '1',
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    GIT_TERMINAL_PROMPT: '0',
    ...extra
  }
}

/** Asynchronous, so a test file can build one project while a store's servers start. */
function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env,
        encoding: 'utf8',
        // Training imports MLflow and scikit-learn: tens of seconds on a busy 2-core machine.
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`${path.basename(command)} ${args.join(' ')} failed: ${stderr}${stdout}`, {
              cause: error
            })
          )
        else resolve(stdout.trim())
      }
    )
  })
}

const VALIDATE_SCRIPT = `"""The validate stage: scores DVC's model file on the data and writes validation.json."""
import json
import pickle

model = pickle.load(open("models/model.pkl", "rb"))
rows = [line.split(",") for line in open("data/train.csv").read().splitlines()[1:]]
X = [[float(a), float(b)] for a, b, _ in rows]
y = [int(c) for _, _, c in rows]
with open("validation.json", "w") as f:
    json.dump({"accuracy": float(model.score(X, y))}, f)
`

/**
 * Builds the project and commits it on main, pushed to the remote. `repository` is what GitHub
 * would call it: origin's URL, from which act derives GITHUB_REPOSITORY. `env` reaches MLflow's
 * client in training and registration (MLFLOW_TRACKING_URI, and a store's own variables).
 */
export async function seedProject(options: {
  model: string
  repository: string
  env: Record<string, string>
}): Promise<SeedProject> {
  mkdirSync(path.join(OUTPUT, 'workflow-act'), { recursive: true })
  const base = mkdtempSync(path.join(OUTPUT, 'workflow-act', 'seed-'))
  const remote = path.join(base, 'remote.git')
  const repo = path.join(base, 'repo')
  // The run ids, outside the project: `git add -A` must not commit them.
  const runLog = path.join(base, 'runs.log')
  const env = toolEnv({ ...options.env, SEED_RUN_LOG: runLog })
  const git = (...args: string[]): Promise<string> => exec('git', args, { cwd: repo, env })
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true })
    writeFileSync(path.join(repo, rel), text)
  }

  await exec('git', ['init', '-q', '--bare', '-b', 'main', remote], { cwd: OUTPUT, env })
  mkdirSync(repo, { recursive: true })
  await git('init', '-q', '-b', 'main')
  await git('config', 'user.name', 'Dana Scientist')
  await git('config', 'user.email', 'dana@example.com')
  await git('remote', 'add', 'origin', `https://github.com/${options.repository}`)

  // Separable on the first feature, so the model is accurate whatever the seed.
  const rows = Array.from(
    { length: 40 },
    (_, i) => `${(i % 8) / 2},${(i % 5) / 4},${i % 8 > 3 ? 1 : 0}`
  )
  write('data/train.csv', `a,b,label\n${rows.join('\n')}\n`)
  write('params.yaml', 'train:\n  C: 1.0\n')
  copyFileSync(path.join(ROOT, 'test', 'python', 'seed_train.py'), path.join(repo, 'train.py'))
  write('validate.py', VALIDATE_SCRIPT)
  write(
    'dvc.yaml',
    yaml.dump({
      stages: {
        train: {
          cmd: 'python train.py',
          deps: ['train.py', 'data/train.csv'],
          params: ['train.C'],
          outs: ['models/model.pkl'],
          metrics: [{ 'metrics.json': { cache: false } }]
        },
        validate: {
          cmd: 'python validate.py',
          deps: ['validate.py', 'models/model.pkl', 'data/train.csv'],
          metrics: [{ 'validation.json': { cache: false } }]
        }
      },
      artifacts: { model: { path: 'models/model.pkl', type: 'model' } }
    })
  )
  // The seed's .mlflow/config.yaml as written: MLflow's server keys, approvers read as GitHub
  // logins of whom one approves, and no gates (the gate then says it checked no metric).
  write('.mlflow/config.yaml', SEED_MLFLOW_CONFIG)
  // The example callers as a team copies them, model-name set, every check at its default. One
  // setting, which turns no check off: AUDIT.log is pushed with git to the bare remote (there is
  // no GraphQL API here for a signed commit; the GraphQL committer has its own tests).
  for (const caller of ['promote.yml', 'rollback.yml']) {
    const text = readFileSync(path.join(ROOT, 'examples', 'workflows', caller), 'utf8')
    write(
      path.join('.github', 'workflows', caller),
      text
        .replace(
          'model-name: churn-classifier',
          `model-name: ${options.model}\n      audit-commit-method: git`
        )
        .replace(/run-name: (.*)churn-classifier/, `run-name: $1${options.model}`)
    )
  }
  await exec(DVC, ['init', '-q'], { cwd: repo, env })
  // DVC's state database outside the repository (and out of the commit: .dvc/config.local).
  await exec(DVC, ['config', '--local', 'core.site_cache_dir', `${base}/dvc-site-cache`], {
    cwd: repo,
    env
  })
  await exec(DVC, ['add', '-q', 'data/train.csv'], { cwd: repo, env })

  const commit = async (message: string): Promise<string> => {
    await git('add', '-A')
    await git('commit', '-q', '-m', message)
    return git('rev-parse', 'HEAD')
  }
  const push = async (): Promise<void> => {
    await git('push', '-q', remote, 'main')
  }
  const sync = async (): Promise<void> => {
    await git('pull', '-q', '--ff-only', remote, 'main')
  }
  const trainAndRegister = async (command: 'dvc repro' | 'python train.py'): Promise<Trained> => {
    if (command === 'dvc repro') await exec(DVC, ['repro', '-q'], { cwd: repo, env })
    else await exec(PYTHON, ['train.py'], { cwd: repo, env })
    const runId = readFileSync(runLog, 'utf8').trim().split('\n').pop()!
    const out = await exec(
      PYTHON,
      [path.join(ROOT, 'test', 'python', 'seed_register.py'), options.model, runId],
      { cwd: repo, env, timeoutMs: 300_000 }
    )
    const registered = JSON.parse(out.split('\n').pop()!) as { version: string }
    return { version: registered.version, runId }
  }
  await commit('the seed project: pipeline, data, .mlflow/config.yaml, promotion callers')
  await push()
  return { repo, remote, git, commit, push, sync, trainAndRegister }
}
