import { dropStaleDatabases, stopProcessGroup } from './servers.js'

declare global {
  var __mgHarnessStopped: boolean | undefined
}

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__mgHarness
  if (!state || globalThis.__mgHarnessStopped) return
  globalThis.__mgHarnessStopped = true
  await Promise.all([stopProcessGroup(state.mlflow.pid), stopProcessGroup(state.auth.pid)])
  dropStaleDatabases(`mg_test_${state.runId}`)
}
