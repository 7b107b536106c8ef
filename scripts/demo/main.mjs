// `npm run demo`: the suite's whole job on this machine, with real components. It provisions the
// venv, starts MLflow, builds a DVC project that trains a scikit-learn model, and runs the reusable
// approval workflow (.github/workflows/model-approval.yml) step by step with the bundled actions:
// promotions to Staging and Production (with a SIMULATED approval), a challenger the champion
// gate rejects, a rollback, and finally `audit-log verify` over the trail. Stopping it (Ctrl-C)
// stops the servers it started.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startSimulatedApprovals } from './approvals.mjs'
import { bundleRunner, yamlLoader } from './bundles.mjs'
import { startMlflow } from './mlflow-server.mjs'
import { runWorkflow } from './workflow-runner.mjs'

const root = path.resolve(import.meta.dirname, '..', '..')
const dir = path.join(root, 'test-output', 'demo')
const venvBin = path.join(root, '.venv', 'bin')
const python = path.join(venvBin, 'python')
const project = path.join(dir, 'churn-model')
const remote = path.join(dir, 'churn-model.git')
const MODEL = 'churn-classifier'
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

async function train(version, params, note) {
  heading(`Train model v${version}: ${note}`)
  const file = path.join(project, 'params.yaml')
  let text = readFileSync(file, 'utf8')
  for (const [key, value] of Object.entries(params))
    text = text.replace(new RegExp(`(  ${key}: ).*`), `$1${value}`)
  writeFileSync(file, text)
  git('checkout', '-q', 'main')
  git('pull', '-q', '--ff-only', 'origin', 'main')
  await shAsync(path.join(venvBin, 'dvc'), ['repro', '-q'])
  console.log(
    indent(
      `dvc repro: ${JSON.stringify(params)} -> validation.json ${readFileSync(path.join(project, 'validation.json'), 'utf8').replace(/\s+/g, ' ')}`
    )
  )
  git('add', '-A')
  git('commit', '-q', '-m', `Train v${version}: ${note}`)
  git('push', '-q', 'origin', 'main')
  const logged = JSON.parse(
    (
      await shAsync(python, ['src/log_model.py', 'churn-demo'], {
        env: { ...env, MLFLOW_TRACKING_URI: tracking.uri }
      })
    )
      .split('\n')
      .pop()
  )
  const commit = git('rev-parse', 'HEAD')
  console.log(
    indent(
      `logged to MLflow as ${logged.model_uri} in run ${logged.run_id} (tagged with commit ${commit.slice(0, 7)})`
    )
  )
  // The candidate is registered by the suite itself: lineage-check fingerprints the commit, then
  // promote-model registers the logged model with that lineage (and no stage: it stays in None).
  const stepEnv = {
    ...env,
    GITHUB_SHA: commit,
    GITHUB_ACTOR: 'dana',
    GITHUB_TRIGGERING_ACTOR: 'dana',
    GITHUB_REPOSITORY: 'demo/churn-model'
  }
  const lineage = await bundleRunner(root)(
    'lineage-check',
    {},
    { env: stepEnv, workspace: project }
  )
  if (lineage.code !== 0) throw new Error(`lineage-check failed:\n${lineage.stdout.slice(-1500)}`)
  const registration = await bundleRunner(root)(
    'promote-model',
    {
      'model-name': MODEL,
      source: logged.model_uri,
      'create-model': version === 1 ? 'true' : 'false',
      'git-commit': lineage.outputs['git-commit'],
      'lock-sha256': lineage.outputs['lock-sha256'],
      'model-md5': lineage.outputs['model-md5'],
      'tracking-uri': tracking.uri
    },
    { env: stepEnv, workspace: project }
  )
  if (registration.code !== 0 || registration.outputs.registered !== 'true')
    throw new Error(
      `promote-model did not register the candidate:\n${registration.stdout.slice(-1500)}`
    )
  const registered = registration.outputs.version
  console.log(
    indent(
      `registered by promote-model as ${MODEL} v${registered} (a candidate in None; lineage: commit ${commit.slice(0, 7)}, dvc.lock ${lineage.outputs['lock-sha256'].slice(0, 12)}…, model md5 ${lineage.outputs['model-md5']})`
    )
  )
  if (registered !== String(version))
    throw new Error(`expected version ${version}, promote-model registered ${registered}`)
}

let runId = 9000
async function approvalWorkflow(title, inputs, expected) {
  runId += 1
  heading(`Workflow run ${runId}: ${title}`)
  git('fetch', '-q', 'origin')
  const sha = git('rev-parse', 'origin/main')
  const github = {
    sha,
    ref: 'refs/heads/main',
    ref_name: 'main',
    repository: 'demo/churn-model',
    actor: 'dana',
    triggering_actor: 'dana',
    run_id: String(runId),
    run_attempt: '1',
    token: 'demo-token',
    event_name: 'workflow_dispatch',
    server_url: 'https://github.com',
    api_url: approvals.uri,
    workflow_ref: 'demo/churn-model/.github/workflows/promote.yml@refs/heads/main'
  }
  const stepEnv = {
    ...env,
    GITHUB_SHA: sha,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: github.repository,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'dana',
    GITHUB_TRIGGERING_ACTOR: 'dana',
    GITHUB_API_URL: approvals.uri,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_WORKFLOW_REF: github.workflow_ref,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_WORKSPACE: project
  }
  const result = await runWorkflow({
    workflow,
    actionSpec: name => loadYaml(path.join(root, name, 'action.yml')),
    inputs: {
      'model-name': MODEL,
      'tracking-uri': tracking.uri,
      'audit-commit-method': 'git',
      ...inputs
    },
    github,
    env: stepEnv,
    workspace: project,
    runAction: bundleRunner(root),
    checkout: async ({ ref }) => {
      git('fetch', '-q', 'origin')
      git('checkout', '-q', '--detach', ref || sha)
    },
    environmentGate: async name => {
      if (name === 'production') {
        approvals.approve(runId, 'alice', name)
        console.log(
          `    ${bold('SIMULATED APPROVAL')}: alice approves the '${name}' environment (on GitHub a required reviewer clicks "Review deployments")`
        )
      } else console.log(`    environment '${name}': no required reviewers in this demo`)
      return 'approved'
    },
    onStep: ({ job, step, outcome, result: r }) => {
      const mark = outcome === 'success' ? '✓' : outcome === 'failure' ? '✗' : '–'
      console.log(
        `  ${mark} ${job} › ${step.name}${outcome === 'skipped' ? dim(' (skipped)') : ''}`
      )
      if (r?.summary?.trim()) console.log(indent(r.summary.replace(/\n{3,}/g, '\n\n')))
      else if (outcome === 'failure' && r?.stdout)
        console.log(
          indent(
            r.stdout
              .split('\n')
              .filter(l => l.startsWith('::error'))
              .join('\n') || r.stdout.slice(-800)
          )
        )
    }
  })
  const audit = result.jobs.audit.steps.find(s => s.id === 'event')?.outputs ?? {}
  console.log(
    `  → jobs: ${Object.entries(result.jobs)
      .map(([n, j]) => `${n} ${j.result}`)
      .join(', ')}; audited as ${bold(`${audit.event} (${audit.outcome})`)}`
  )
  if (audit.event !== expected.event || result.jobs.audit.result !== 'success') {
    throw new Error(
      `expected the run to be audited as ${expected.event}, got ${audit.event} (audit job ${result.jobs.audit.result})`
    )
  }
  return result
}

let tracking
let approvals
let workflow
let loadYaml
try {
  console.log(
    bold(
      'model-governance demo: experiment → register → validate → approve → promote → audit, all local'
    )
  )
  heading('Python peers (.venv: MLflow, DVC, scikit-learn; the first run downloads them)')
  execFileSync(process.execPath, [path.join(root, 'test', 'harness', 'provision.mjs')], {
    stdio: 'inherit',
    cwd: root
  })
  loadYaml = yamlLoader(python)
  workflow = loadYaml(path.join(root, '.github', 'workflows', 'model-approval.yml'))

  heading('MLflow tracking server')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  tracking = await startMlflow({ python, dir })
  cleanups.push(() => tracking.stop())
  console.log(
    indent(`${tracking.uri} (${tracking.backend} backend, files in ${path.relative(root, dir)})`)
  )
  approvals = await startSimulatedApprovals()
  cleanups.push(() => approvals.close())

  heading('Sample DVC project (prepare → train → validate) in a git repository with a bare remote')
  buildProject()

  await train(1, { n_estimators: 60, max_depth: 8 }, 'random forest, 60 trees')
  await approvalWorkflow(
    'promote v1 to Staging',
    { version: '1', 'target-stage': 'Staging' },
    { event: 'promote' }
  )
  await approvalWorkflow(
    'promote v1 to Production',
    {
      version: '1',
      'target-stage': 'Production',
      justification: 'First production model: beats the rules-based baseline in shadow traffic'
    },
    { event: 'promote' }
  )

  await train(2, { n_estimators: 200, max_depth: 12 }, 'bigger forest')
  await approvalWorkflow(
    'promote v2 to Staging',
    { version: '2', 'target-stage': 'Staging' },
    { event: 'promote' }
  )
  await approvalWorkflow(
    'promote v2 to Production',
    {
      version: '2',
      'target-stage': 'Production',
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
    { version: '3', 'target-stage': 'Production', justification: 'cheaper to serve' },
    { event: 'gate-failed' }
  )

  await approvalWorkflow(
    'roll Production back',
    {
      'target-stage': 'Production',
      rollback: true,
      justification: 'Incident drill: v2 misbehaves on new traffic, restore v1'
    },
    { event: 'rollback' }
  )

  heading('audit-log verify: the whole trail, as an auditor would check it')
  git('checkout', '-q', 'main')
  git('pull', '-q', '--ff-only', 'origin', 'main')
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
    indent(`git log of the audit commits:\n${git('log', '--format=%h %s', '-8', 'origin/main')}`)
  )
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

/** The data scientist's repository (which the local runner also uses as its workspace) and its remote. */
function buildProject() {
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote])
  cpSync(path.join(import.meta.dirname, 'project'), project, { recursive: true })
  mkdirSync(path.join(project, '.github'), { recursive: true })
  cpSync(
    path.join(project, 'model-governance.yml'),
    path.join(project, '.github', 'model-governance.yml')
  )
  rmSync(path.join(project, 'model-governance.yml'))
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Dana Scientist')
  git('config', 'user.email', 'dana@example.com')
  git('remote', 'add', 'origin', remote)
  sh(path.join(venvBin, 'dvc'), ['init', '-q'])
  git('add', '-A')
  git('commit', '-q', '-m', 'Sample churn project: DVC pipeline and governance policy')
  git('push', '-q', 'origin', 'main')
}
