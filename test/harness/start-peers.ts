import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { OUTPUT, PYTHON, STATE_FILE } from './paths.js'
import { dropStaleDatabases, startMlflowServer, startWarmPython } from './servers.js'
import type { HarnessState } from './state.js'

declare global {
  var __mgHarness: HarnessState | undefined
}

/**
 * Starts the real peers once per jest run (both the integration and the dist project name this
 * file; the second call finds them running): a plain MLflow server on PostgreSQL and a
 * basic-auth one. Falls back to SQLite, with a notice, where PostgreSQL is absent.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__mgHarness) return
  if (!existsSync(PYTHON)) {
    throw new Error(
      '.venv is missing: run `npm test`, which provisions it (test/harness/provision.mjs)'
    )
  }
  mkdirSync(OUTPUT, { recursive: true })
  const runId = `${Date.now().toString(36)}_${process.pid}`
  dropStaleDatabases('mg_test_')
  const started = Date.now()
  const [mlflow, auth, warm] = await Promise.all([
    startMlflowServer({ name: 'mlflow', runId }),
    startMlflowServer({ name: 'basic-auth', runId, basicAuth: true }),
    startWarmPython(runId)
  ])
  const state: HarnessState = { runId, mlflow, auth: auth as HarnessState['auth'], warm }
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2))
  // Test workers inherit this; the file is only for looking at after a run, since several jest
  // runs on one machine would overwrite each other's file.
  process.env.MG_HARNESS_STATE = JSON.stringify(state)
  globalThis.__mgHarness = state
  console.log(
    `\n[harness] MLflow ${mlflow.uri} (${mlflow.backend}) and basic-auth ${auth.uri} (${auth.backend}) ` +
      `up in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )
}
