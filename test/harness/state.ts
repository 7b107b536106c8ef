import { existsSync, readFileSync } from 'node:fs'
import type { AuthServerInfo, ServerInfo, WarmPython } from './servers.js'
import { STATE_FILE } from './paths.js'

export interface HarnessState {
  runId: string
  mlflow: ServerInfo
  auth: AuthServerInfo
  /** The fork server that runs test/python scripts with MLflow imported (test/python/warm.py). */
  warm?: WarmPython
}

/** What global-setup started, for test files (which run in other processes). */
export function harness(): HarnessState {
  if (process.env.MG_HARNESS_STATE) return JSON.parse(process.env.MG_HARNESS_STATE) as HarnessState
  if (!existsSync(STATE_FILE)) {
    throw new Error('test-output/harness.json is missing: run integration tests through `npm test`')
  }
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as HarnessState
}
