import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { PYTHON, ROOT } from './paths.js'

/** Runs a script under test/python with the venv's Python; returns its stdout parsed as JSON. */
export function runPythonJson<T = unknown>(
  script: string,
  args: string[],
  options: { input?: unknown; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): T {
  const result = spawnSync(PYTHON, [path.join(ROOT, 'test', 'python', script), ...args], {
    input: options.input === undefined ? '' : JSON.stringify(options.input),
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024
  })
  if (result.status !== 0) {
    throw new Error(
      `${script} failed (${result.status ?? result.signal}): ${result.stderr.slice(-3000)}`
    )
  }
  return JSON.parse(result.stdout) as T
}

export interface SeedOp {
  op: string
  [key: string]: unknown
}

/** Writes registry and tracking data through MLflow's Python client (test/python/mlflow_seed.py). */
export function seed(
  uri: string,
  plan: SeedOp[],
  env: NodeJS.ProcessEnv = {}
): Record<string, string>[] {
  return runPythonJson('mlflow_seed.py', [uri], { input: plan, env })
}

/** The full state of a registered model as MLflow's Python client sees it. */
export function dumpModel(uri: string, name: string, env: NodeJS.ProcessEnv = {}): unknown {
  return runPythonJson('mlflow_dump.py', [uri, name], { env })
}

/** Several models' dumps in one Python process (each process pays MLflow's ~2-3 s import). */
export function dumpModels(
  uri: string,
  names: string[],
  env: NodeJS.ProcessEnv = {}
): Record<string, unknown> {
  return runPythonJson('mlflow_dump.py', [uri, ...names], { env })
}

/** A unique name per test, so tests share one server without seeing each other's models. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`
}
