// `npm run demo`: the suite's whole job on this machine, with real components. It provisions the
// venv (MLflow, DVC, scikit-learn and act), starts MLflow, builds a DVC project that trains a
// scikit-learn model, and dispatches the example callers, which run the reusable approval workflow
// (.github/workflows/model-approval.yml) in nektos/act with the bundled actions, exactly as the
// tests do (scripts/lib/act.mjs): promotions to Staging and Production (with SIMULATED sign-offs
// from the local GitHub stand-in), a challenger the champion gate rejects, a rollback, and finally
// `audit-log verify` over the trail. Stopping it (Ctrl-C) stops the servers it started.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runAct, suiteCopy } from '../lib/act.mjs'
import { startGithubFake } from '../lib/github-standin.mjs'
import { bundleRunner } from './bundles.mjs'
import { startMlflow } from './mlflow-server.mjs'

const root = path.resolve(import.meta.dirname, '..', '..')
const dir = path.join(root, 'test-output', 'demo')
const venvBin = path.join(root, '.venv', 'bin')
const python = path.join(venvBin, 'python')
const project = path.join(dir, 'churn-model')
const remote = path.join(dir, 'churn-model.git')
const MODEL = 'churn-classifier'
const REPOSITORY = 'demo/churn-model'
const started = Date.now()

const bold = s => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const dim = s => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`
const indent = (text, by = '      ') =>
  text
    .trimEnd()
    .split('\n')
    .map(l => by + l)
    .join('\n')
function heading(text) {
  console.log(`\n${bold(`━━ ${text}`)} ${dim(`(${seconds()})`)}`)
}

const cleanups = []
let stopping = false
async function cleanup() {
  while (cleanups.length) await cleanups.pop()()
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true
    console.log(`\n${signal}: stopping the demo's servers`)
    current?.kill('SIGTERM')
    void cleanup().then(() => process.exit(130))
  })
}

const env = {
  ...process.env,
  PATH: `${venvBin}${path.delimiter}${process.env.PATH}`,
  DVC_NO_ANALYTICS: '1',
  GIT_TERMINAL_PROMPT: '0'
}
function sh(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd: project,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options
    }).trim()
  } catch (error) {
    throw new Error(
      `${path.basename(cmd)} ${args.join(' ')} failed:\n${String(error.stderr ?? '')
        .trim()
        .split('\n')
        .slice(-15)
        .join('\n')}`,
      { cause: error }
    )
  }
}
const git = (...args) => sh('git', args)

/**
 * The long steps (training, logging to MLflow) run asynchronously, so Ctrl-C or SIGTERM is
 * handled at once: the child is stopped and the servers are shut down.
 */
let current
function shAsync(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options
    })
    current = child
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      current = undefined
      if (code === 0) resolve(stdout.trim())
      else
        reject(
          new Error(
            `${path.basename(cmd)} ${args.join(' ')} failed:\n${stderr.trim().split('\n').slice(-15).join('\n')}`
          )
        )
    })
  })
}

/**
 * Trains as the seed does: `dvc repro` runs the train stage, which logs the model to MLflow with
 * mlflow.sklearn.log_model (so MLflow records the commit checked out, the one before this
 * dvc.lock), then `git commit` and push, then the seed's registration:
 * create_model_version(source="runs:/<run_id>/model").
 */
async function train(version, params, note) {
  heading(`Train model v${version}: ${note}`)
  const file = path.join(project, 'params.yaml')
  let text = readFileSync(file, 'utf8')
  for (const [key, value] of Object.entries(params))
    text = text.replace(new RegExp(`(  ${key}: ).*`), `$1${value}`)
  writeFileSync(file, text)
  git('checkout', '-q', 'main')
  git('pull', '-q', '--ff-only', remote, 'main')
  const mlflowEnv = {
    ...env,
    MLFLOW_TRACKING_URI: tracking.uri,
    MLFLOW_EXPERIMENT_NAME: 'churn-demo'
  }
  const before = git('rev-parse', 'HEAD')
  await shAsync(path.join(venvBin, 'dvc'), ['repro', '-q'], { env: mlflowEnv })
  console.log(
    indent(
      `dvc repro (the train stage logged the model with mlflow.sklearn.log_model): ${JSON.stringify(params)} -> validation.json ${readFileSync(path.join(project, 'validation.json'), 'utf8').replace(/\s+/g, ' ')}`
    )
  )
  git('add', '-A')
  git('commit', '-q', '-m', `Train v${version}: ${note}`)
  git('push', '-q', remote, 'main')
  const commit = git('rev-parse', 'HEAD')
  const registered = JSON.parse(
    (await shAsync(python, ['src/register.py', MODEL], { env: mlflowEnv })).split('\n').pop()
  )
  console.log(
    indent(
      `registered as ${MODEL} v${registered.version} from runs:/${registered.run_id}/model; ` +
        `the run recorded commit ${String(registered.run_commit).slice(0, 7)} (before dvc repro), ` +
        `dvc.lock is in commit ${commit.slice(0, 7)}`
    )
  )
  // MLflow's client records the commit only when GitPython is installed (it is, in .venv); the
  // lineage check needs it to link the run to the commit that holds its dvc.lock.
  if (registered.run_commit !== before)
    throw new Error(
      `the training run recorded commit ${registered.run_commit}, expected ${before} (HEAD during dvc repro)`
    )
  if (registered.version !== String(version))
    throw new Error(`expected version ${version}, MLflow registered ${registered.version}`)
}

let runId = 9000
const SIGNED_OFF = [
  { login: 'alice', environment: 'production-ds' },
  { login: 'bob', environment: 'production-ops' }
]

/**
 * Dispatches an example caller in act. For Production, the two roles' reviews are SIMULATED in
 * the local GitHub stand-in before the run (act runs environment jobs without waiting).
 */
async function approvalWorkflow(title, caller, inputs, expected) {
  runId += 1
  heading(`Workflow run ${runId}: ${title}`)
  // Reviews exist only where a job waits on its environment: for Production, once the gate has
  // passed and the sign-off jobs start. The run the champion gate rejects never gets that far,
  // so GitHub would ask no one (and the strict stand-in takes no review for it).
  const reviews =
    inputs.target_stage === 'Production' && expected.event !== 'gate-failed' ? SIGNED_OFF : []
  github.setPendingDeployments(
    REPOSITORY,
    String(runId),
    reviews.map(r => r.environment)
  )
  github.setApprovals(
    REPOSITORY,
    String(runId),
    reviews.map(r => ({
      ...r,
      state: 'approved',
      comment: `SIMULATED approval by ${r.login} (npm run demo)`
    }))
  )
  for (const r of reviews)
    console.log(
      `    ${bold('SIMULATED SIGN-OFF')}: ${r.login} approves the '${r.environment}' environment (on GitHub a required reviewer clicks "Review deployments")`
    )
  const run = await runAct({
    repo: project,
    remote,
    repository: REPOSITORY,
    workflow: `.github/workflows/${caller}`,
    suite,
    inputs,
    vars: { MLFLOW_TRACKING_URI: tracking.uri },
    secrets: { MLFLOW_REGISTRY_TOKEN: 'demo-registry-token', MLFLOW_READ_TOKEN: 'demo-read-token' },
    runId: String(runId),
    actor: 'dana',
    githubApi: github.uri,
    github
  })
  // The stand-in was told these jobs waited on their environments: act must show they ran.
  for (const r of reviews)
    if (!run.output.includes(`signed off through environment ${r.environment}`))
      throw new Error(
        `run ${runId} was given a review of ${r.environment}, but no job of it reached that environment`
      )
  for (const line of run.output.split('\n')) {
    const step = /\] +(✅|❌) +(?:Success|Failure) - Main (.*?) \[/u.exec(line)
    const job = /\[(?:[^\]/]*\/)*([^\]]+?)\s*\] 🏁 {2}Job (succeeded|failed)/u.exec(line)
    const error = /::error(?: [^:]*)?::(.*)$/.exec(line)
    if (step) console.log(`  ${step[1] === '✅' ? '✓' : '✗'} ${step[2]}`)
    else if (job) console.log(`  ${bold(`job ${job[1]}: ${job[2]}`)}`)
    else if (error) console.log(indent(error[1], '      ! '))
  }
  const entry = JSON.parse(
    execFileSync('git', ['--git-dir', remote, 'show', 'main:AUDIT.log'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()
  )
  console.log(
    `  → audited as ${bold(`${entry.event} (${entry.outcome})`)} for version ${entry.version || '(none)'}`
  )
  if (entry.event !== expected.event || run.jobs['Record in the audit log'] !== 'success') {
    throw new Error(
      `expected the run to be audited as ${expected.event}, got ${entry.event}; act's log: ${run.output.slice(-2000)}`
    )
  }
  return run
}

let tracking
let github
let suite
try {
  console.log(
    bold(
      'model-governance demo: experiment → register → validate → approve → promote → audit, all local'
    )
  )
  heading('Python peers (.venv: MLflow, DVC, scikit-learn, act; the first run downloads them)')
  execFileSync(process.execPath, [path.join(root, 'test', 'harness', 'provision.mjs')], {
    stdio: 'inherit',
    cwd: root
  })
  suite = suiteCopy()

  heading('MLflow tracking server')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  tracking = await startMlflow({ python, dir })
  cleanups.push(() => tracking.stop())
  console.log(
    indent(`${tracking.uri} (${tracking.backend} backend, files in ${path.relative(root, dir)})`)
  )
  // SIMULATED GitHub: the environments as the quick start sets them up, and the reviews.
  github = await startGithubFake()
  cleanups.push(() => github.close())
  github.setRepository(REPOSITORY, { defaultBranch: 'main' })
  github.setEnvironment(REPOSITORY, 'staging', { branchPolicy: 'protected' })
  github.setEnvironment(REPOSITORY, 'production', { branchPolicy: 'protected' })
  for (const { login, environment } of SIGNED_OFF)
    github.setEnvironment(REPOSITORY, environment, {
      reviewers: [login],
      preventSelfReview: true,
      branchPolicy: 'protected'
    })

  heading('Sample DVC project (prepare → train → validate) in a git repository with a bare remote')
  buildProject()

  await train(1, { n_estimators: 60, max_depth: 8 }, 'random forest, 60 trees')
  await approvalWorkflow(
    'promote v1 to Staging',
    'promote.yml',
    { model_version: '1', target_stage: 'Staging' },
    { event: 'promote' }
  )
  await approvalWorkflow(
    'promote v1 to Production',
    'promote.yml',
    {
      model_version: '1',
      target_stage: 'Production',
      justification: 'First production model: beats the rules-based baseline in shadow traffic'
    },
    { event: 'promote' }
  )

  await train(2, { n_estimators: 200, max_depth: 12 }, 'bigger forest')
  await approvalWorkflow(
    'promote v2 to Staging',
    'promote.yml',
    { model_version: '2', target_stage: 'Staging' },
    { event: 'promote' }
  )
  await approvalWorkflow(
    'promote v2 to Production',
    'promote.yml',
    {
      model_version: '2',
      target_stage: 'Production',
      justification: 'v2 is 3 points more accurate than v1 in shadow traffic'
    },
    { event: 'promote' }
  )

  await train(
    3,
    { n_estimators: 25, max_depth: 8 },
    'a cheaper forest that passes the thresholds but is worse than the champion'
  )
  await approvalWorkflow(
    'promote v3 to Production (the champion gate rejects it)',
    'promote.yml',
    { model_version: '3', target_stage: 'Production', justification: 'cheaper to serve' },
    { event: 'gate-failed' }
  )

  await approvalWorkflow(
    'roll Production back',
    'rollback.yml',
    {
      target_stage: 'Production',
      justification: 'Incident drill: v2 misbehaves on new traffic, restore v1'
    },
    { event: 'rollback' }
  )

  heading('audit-log verify: the whole trail, as an auditor would check it')
  git('checkout', '-q', 'main')
  git('pull', '-q', '--ff-only', remote, 'main')
  const verify = await bundleRunner(root)(
    'audit-log',
    { mode: 'verify', file: 'AUDIT.log' },
    { env: { ...env, GITHUB_WORKSPACE: project }, workspace: project }
  )
  console.log(indent(verify.summary))
  if (verify.code !== 0 || verify.outputs.valid !== 'true')
    throw new Error(`audit-log verify failed:\n${verify.stdout}`)
  const rendered = await bundleRunner(root)(
    'audit-log',
    { mode: 'render', file: 'AUDIT.log', 'render-limit': '20' },
    { env: { ...env, GITHUB_WORKSPACE: project }, workspace: project }
  )
  heading('The audit trail (AUDIT.log, newest first)')
  console.log(indent(rendered.summary))
  console.log(
    indent(`git log of the audit commits:\n${git('log', '--format=%h %s', '-8', 'main')}`)
  )

  // The serving side, last: the governed Production version's files, verified, then loaded with
  // MLflow's pyfunc loader from that folder alone (no registry, no credentials) to predict.
  // resolve verifies the download against the approved digest (artifact.digest) of the entry
  // that put this version into Production, on the files MLflow 3 resolves for the logged model.
  heading('resolve --download Production, then mlflow.pyfunc.load_model to predict')
  const served = path.join(dir, 'serving', 'production')
  rmSync(path.dirname(served), { recursive: true, force: true })
  mkdirSync(path.dirname(served), { recursive: true })
  const resolved = await shAsync(
    process.execPath,
    [
      path.join(root, 'dist', 'cli', 'index.js'),
      'resolve',
      MODEL,
      'Production',
      '--download',
      served
    ],
    { env: { ...env, MLFLOW_TRACKING_URI: tracking.uri } }
  )
  console.log(indent(`model-governance resolve ${MODEL} Production --download: ${resolved}`))
  const predicted = JSON.parse(
    (await shAsync(python, ['src/predict.py', served], { env })).split('\n').pop()
  )
  console.log(
    indent(
      `mlflow.pyfunc.load_model(${path.relative(root, served)}).predict(first 5 test rows) = ${JSON.stringify(predicted.predictions)}`
    )
  )
  if (predicted.predictions.length !== 5) throw new Error('the served model did not predict 5 rows')
  heading(
    `Done in ${seconds()}: ${verify.outputs.entries} audited events, chain valid; project in ${path.relative(root, project)}`
  )
} catch (error) {
  // After Ctrl-C the interrupted step fails too; that is not worth reporting.
  if (!stopping)
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await cleanup()
}

/**
 * The data scientist's repository and its bare remote. origin is GitHub's URL, as in a real clone
 * (act derives GITHUB_REPOSITORY from it); the demo pushes to the remote by its path, and the
 * runs reach it through the url.insteadOf that scripts/lib/act.mjs sets in act's HOME.
 */
function buildProject() {
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote])
  cpSync(path.join(import.meta.dirname, 'project'), project, { recursive: true })
  // The policy is the project's .mlflow/config.yaml, as in the seed: named nowhere.
  mkdirSync(path.join(project, '.github', 'workflows'), { recursive: true })
  // The example callers as a team copies them, every check at the workflow's defaults. One demo
  // setting, which turns no check off: audit-commit-method git, so the entry lands on the bare
  // remote (there is no GitHub GraphQL API here to make a signed commit).
  for (const caller of ['promote.yml', 'rollback.yml']) {
    const text = readFileSync(path.join(root, 'examples', 'workflows', caller), 'utf8')
    writeFileSync(
      path.join(project, '.github', 'workflows', caller),
      text.replace(`model-name: ${MODEL}`, `model-name: ${MODEL}\n      audit-commit-method: git`)
    )
  }
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Dana Scientist')
  git('config', 'user.email', 'dana@example.com')
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}`)
  sh(path.join(venvBin, 'dvc'), ['init', '-q'])
  git('add', '-A')
  git(
    'commit',
    '-q',
    '-m',
    'Sample churn project: DVC pipeline, governance policy, promotion callers'
  )
  git('push', '-q', remote, 'main')
}
