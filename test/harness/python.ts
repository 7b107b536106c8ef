import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { PYTHON, ROOT } from './paths.js'

/** The harness's fork server (test/python/warm.py), when this process runs under it. */
function warmSocket(): string | undefined {
  if (!process.env.MG_HARNESS_STATE) return undefined
  return (JSON.parse(process.env.MG_HARNESS_STATE) as { warm?: { socket: string } }).warm?.socket
}

/**
 * Runs a script under test/python with the venv's Python; returns its stdout parsed as JSON.
 * Under the harness the script runs in a fork of test/python/warm.py, which imported MLflow
 * once (each new Python process paid 2-3 s for that import on an idle machine, 10 s on a busy
 * one); it sees the same argv, environment, stdin and stdout as a process of its own.
 */
export function runPythonJson<T = unknown>(
  script: string,
  args: string[],
  options: { input?: unknown; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): T {
  const file = path.join(ROOT, 'test', 'python', script)
  const warm = warmSocket()
  const timeout = options.timeoutMs ?? 120_000
  const argv = warm
    ? [path.join(ROOT, 'test', 'python', 'warm.py'), 'run', warm, file, ...args]
    : [file, ...args]
  const result = spawnSync(PYTHON, argv, {
    input: options.input === undefined ? '' : JSON.stringify(options.input),
    encoding: 'utf8',
    env: {
      ...process.env,
      ...options.env,
      MG_WARM_TIMEOUT_S: String(Math.ceil(timeout / 1000))
    },
    timeout,
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
