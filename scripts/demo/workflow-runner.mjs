// Runs a workflow's jobs locally, in `needs` order, the way the Actions runner would for the
// parts model-approval.yml uses: job and step `if:`, `environment:` (decided by a callback, as a
// reviewer would), `run:` scripts under `bash -e -o pipefail`, the suite's own `$/<action>` steps
// through an injected runner with action.yml defaults filled in, step and job outputs, and
// `${{ }}` expressions in with:/env:/outputs. actions/checkout is delegated to a callback and
// actions/setup-* is skipped (the local machine provides the runtimes).
// Used by `npm run demo` and by the workflow-level end-to-end test.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { asString, condition, interpolate } from './expressions.mjs'

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks and `name=value` lines. */
export function parseOutputFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
    } else if (line.includes('='))
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
  }
  return out
}

/**
 * Runs one step's process the way the runner does and collects what it wrote to its
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files (shared by run: steps and bundled actions).
 */
export function runStepProcess(command, args, { cwd, env, outputFile, summaryFile }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stdout += d))
    child.on('error', reject)
    child.on('close', code =>
      resolve({
        code: code ?? -1,
        stdout,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8')
      })
    )
  })
}

function runScript(script, { env, cwd }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-step-'))
  const output = path.join(dir, 'output')
  const summary = path.join(dir, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  return runStepProcess('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
    cwd,
    env: { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    outputFile: output,
    summaryFile: summary
  })
}

function needsOf(job) {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
}

/** Jobs in an order where each comes after the jobs it needs. */
export function jobOrder(jobs) {
  const order = []
  const visit = (name, seen = new Set()) => {
    if (order.includes(name)) return
    if (seen.has(name)) throw new Error(`needs cycle at ${name}`)
    seen.add(name)
    for (const need of needsOf(jobs[name])) visit(need, seen)
    order.push(name)
  }
  for (const name of Object.keys(jobs)) visit(name)
  return order
}

/** The inputs a `workflow_call` receives: the caller's values over the declared defaults, typed. */
export function callInputs(workflow, given) {
  const specs = workflow.on?.workflow_call?.inputs ?? {}
  const inputs = {}
  for (const [name, spec] of Object.entries(specs)) {
    let value =
      given[name] ??
      spec.default ??
      (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '')
    if (spec.type === 'boolean' && typeof value === 'string') value = value === 'true'
    if (spec.required && (value === '' || value === undefined))
      throw new Error(`Input '${name}' is required by the workflow`)
    inputs[name] = value
  }
  for (const name of Object.keys(given))
    if (!(name in specs)) throw new Error(`Input '${name}' is not defined by the workflow`)
  return inputs
}

/**
 * Runs the workflow. Options:
 *   workflow        the parsed workflow file
 *   actionSpec      name => the parsed <name>/action.yml (for its input defaults)
 *   inputs, secrets the caller's with: and secrets:
 *   github          the github context (sha, token, repository, ref, actor, run_id, ...)
 *   env             the environment every step starts from (PATH, HOME, GITHUB_*)
 *   workspace       the job's working directory (GITHUB_WORKSPACE)
 *   runAction       async (name, inputs, { env, workspace }) => { code, outputs, summary, stdout }
 *   checkout        async (withValues) => void, standing in for actions/checkout
 *   environmentGate async (name) => 'approved' | 'rejected' (default approved), the reviewers
 *   onStep          ({ job, step, outcome, result }) => void, for printing
 */
export async function runWorkflow(options) {
  const { workflow, github, secrets = {}, env = {}, workspace } = options
  const inputs = callInputs(workflow, options.inputs ?? {})
  const needs = {}
  const jobs = {}
  for (const name of jobOrder(workflow.jobs)) {
    const job = workflow.jobs[name]
    const needed = Object.fromEntries(needsOf(job).map(n => [n, needs[n]]))
    const base = { inputs, secrets, github, needs: needed, vars: {} }
    const neededResults = Object.values(needed).map(n => n.result)
    const jobFunctions = {
      always: () => true,
      success: () => neededResults.every(r => r === 'success'),
      failure: () => neededResults.some(r => r === 'failure'),
      cancelled: () => false
    }
    const run = condition(job.if, base, jobFunctions) ?? jobFunctions.success()
    const record = { result: 'skipped', outputs: {}, steps: [], environment: undefined }
    jobs[name] = record
    needs[name] = { result: 'skipped', outputs: {} }
    if (!run) continue
    if (job.environment) {
      const envName = asString(
        interpolate(
          typeof job.environment === 'string' ? job.environment : job.environment.name,
          base,
          jobFunctions
        )
      )
      record.environment = envName
      const decision = options.environmentGate
        ? await options.environmentGate(envName, name)
        : 'approved'
      if (decision !== 'approved') {
        record.result = 'failure'
        needs[name] = { result: 'failure', outputs: {} }
        options.onStep?.({
          job: name,
          step: { name: `environment ${envName}` },
          outcome: 'failure',
          result: { stdout: `Deployment to ${envName} was ${decision}` }
        })
        continue
      }
    }
    const steps = {}
    let failed = false
    for (const step of job.steps ?? []) {
      const context = { ...base, steps, job: { status: failed ? 'failure' : 'success' } }
      const stepFunctions = {
        always: () => true,
        success: () => !failed,
        failure: () => failed,
        cancelled: () => false
      }
      const go = condition(step.if, context, stepFunctions) ?? !failed
      const entry = {
        id: step.id,
        name: step.name ?? step.uses ?? 'run',
        outcome: 'skipped',
        outputs: {},
        summary: ''
      }
      record.steps.push(entry)
      if (step.id) steps[step.id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} }
      if (!go) {
        options.onStep?.({ job: name, step: entry, outcome: 'skipped' })
        continue
      }
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [
          k,
          asString(interpolate(v, context, stepFunctions))
        ])
      )
      const withValues = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [
          k,
          asString(interpolate(v, context, stepFunctions))
        ])
      )
      let result
      if (step.run !== undefined) {
        result = await runScript(step.run, { env: { ...env, ...stepEnv }, cwd: workspace })
      } else if (step.uses?.startsWith('actions/checkout@')) {
        await options.checkout(withValues)
        result = {
          code: 0,
          outputs: {},
          summary: '',
          stdout: `checked out ${withValues.ref || github.ref}`
        }
      } else if (step.uses?.startsWith('actions/setup-')) {
        result = {
          code: 0,
          outputs: {},
          summary: '',
          stdout: 'skipped locally: the machine provides the runtime'
        }
      } else if (step.uses?.startsWith('$/')) {
        const action = step.uses.slice(2)
        const spec = options.actionSpec(action)
        const given = {}
        for (const [input, s] of Object.entries(spec.inputs ?? {})) {
          // The runner fills an input the step leaves out from action.yml's default; an
          // expression that evaluates to '' is passed as ''.
          const value =
            input in withValues
              ? withValues[input]
              : s.default !== undefined
                ? String(s.default)
                : undefined
          if (value !== undefined) given[input] = value
        }
        for (const input of Object.keys(withValues)) {
          if (!(input in (spec.inputs ?? {})))
            throw new Error(`${name}/${entry.name}: ${action} has no input '${input}'`)
        }
        result = await options.runAction(action, given, { env: { ...env, ...stepEnv }, workspace })
      } else {
        throw new Error(`${name}/${entry.name}: the local runner cannot run uses: ${step.uses}`)
      }
      entry.outcome = result.code === 0 ? 'success' : 'failure'
      entry.outputs = result.outputs
      entry.summary = result.summary
      entry.stdout = result.stdout
      if (step.id)
        steps[step.id] = {
          outcome: entry.outcome,
          conclusion: entry.outcome,
          outputs: result.outputs
        }
      if (entry.outcome === 'failure' && !step['continue-on-error']) failed = true
      options.onStep?.({ job: name, step: entry, outcome: entry.outcome, result })
    }
    const endContext = { ...base, steps }
    record.outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([k, v]) => [
        k,
        asString(interpolate(v, endContext, jobFunctions))
      ])
    )
    record.result = failed ? 'failure' : 'success'
    needs[name] = { result: record.result, outputs: record.outputs }
  }
  return { inputs, jobs }
}
