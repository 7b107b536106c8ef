import { rmSync } from 'node:fs'
import { dropStaleDatabases, stopProcessGroup } from './servers.js'

declare global {
  var __mgHarnessStopped: boolean | undefined
}

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__mgHarness
  if (!state || globalThis.__mgHarnessStopped) return
  globalThis.__mgHarnessStopped = true
  await Promise.all([
    stopProcessGroup(state.mlflow.pid),
    stopProcessGroup(state.auth.pid),
    ...(state.warm ? [stopProcessGroup(state.warm.pid)] : [])
  ])
  if (state.warm) rmSync(state.warm.socket, { force: true })
  dropStaleDatabases(`mg_test_${state.runId}`)
}
