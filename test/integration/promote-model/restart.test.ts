import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promote } from '../../../src/promotion/index.js'
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy.js'
import { seed, uniqueName } from '../../harness/python.js'
import { startMlflowServer, stopProcessGroup, type ServerInfo } from '../../harness/servers.js'
import { harness } from '../../harness/state.js'
import { deps, modelOps, realClient, request } from './helpers.js'

/**
 * A dedicated MLflow server (the shared ones stay up) is stopped right after it applied the stage
 * transition, before its answer reaches the action, and started again on the same store and port:
 * the action's confirmation reads fail meanwhile, and it must still confirm within its timeout.
 */
describe('MLflow restart while the action polls', () => {
  const { runId } = harness()
  const model = uniqueName('pm-restart')
  let server: ServerInfo
  let proxy: FaultProxy
  let restarted: Promise<ServerInfo> | undefined

  beforeAll(async () => {
    server = await startMlflowServer({ name: 'promote-restart', runId })
    seed(server.uri, [{ op: 'run', experiment: 'promote-model-restart' }, ...modelOps(model, 2)])
    proxy = await startFaultProxy(server.uri, { seed: 1, rate: 0 })
  }, 240_000)

  afterAll(async () => {
    const again = await restarted?.catch(() => undefined)
    await stopProcessGroup((again ?? server).pid)
    await proxy.close()
  })

  it('recovers within timeout-seconds', async () => {
    const port = Number(new URL(server.uri).port)
    // The transition's answer goes back at once; every later request waits until the server is
    // down, so the action's confirmation reads meet a stopped, then restarting, server.
    let stopped: Promise<void> | undefined
    proxy.afterResponse = ({ method, path }) => {
      if (stopped || method !== 'POST' || !path.includes('transition-stage')) return
      stopped = stopProcessGroup(server.pid)
      restarted = stopped.then(() =>
        startMlflowServer({ name: 'promote-restart', runId, backendUri: server.backendUri, port })
      )
    }
    proxy.beforeForward = () => stopped
    const client = realClient(proxy.uri, {
      retry: {
        maxRetries: 2,
        baseDelayMs: 200,
        maxDelayMs: 1000,
        totalBudgetMs: 3000,
        requestTimeoutMs: 5000
      }
    })
    const started = Date.now()
    const result = await promote(
      request(model, { version: '1', stage: 'Staging', timeoutMs: 120_000 }),
      deps(client)
    )
    await client.http.close()
    const again = await restarted!
    expect(again.pid).not.toBe(server.pid)
    expect(result.changed).toBe(true)
    // it was polling across the restart, not confirming at once
    expect(result.propagationMs).toBeGreaterThan(1000)
    expect(Date.now() - started).toBeLessThan(120_000)
    const direct = realClient(again.uri)
    expect((await direct.getModelVersion(model, '1')).current_stage).toBe('Staging')
    await direct.http.close()
  }, 300_000)
})
