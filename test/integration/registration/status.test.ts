import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Clock } from '../../../src/core/time.js'
import { registerCandidate, RegistrationFailedError } from '../../../src/registration/index.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { deps, failure, realClient, request } from './helpers.js'
import { setStatus, startVersionsPending } from './registry-db.js'

/**
 * Waiting for READY and FAILED_REGISTRATION against the real server, with versions held pending
 * in its real store (see registry-db.ts). The clock is real; its sleep also lets the "registry"
 * finish after a chosen number of waits.
 */
describe('waiting for a pending registration on the real server', () => {
  const { mlflow } = harness()
  const client = realClient(mlflow.uri)
  const prefix = uniqueName('reg-pending')
  let source: string

  beforeAll(() => {
    const [run] = seed(mlflow.uri, [{ op: 'run', experiment: 'registration-status' }])
    source = `runs:/${run!.run_id}/model`
    startVersionsPending(mlflow.backendUri, prefix)
  })

  afterAll(async () => {
    await client.http.close()
  })

  /** A real clock whose n-th sleep first runs `finish` (the registry completing the copy). */
  function clockFinishingAfter(waits: number, finish: () => void): Clock & { slept: number[] } {
    const slept: number[] = []
    return {
      slept,
      now: () => Date.now(),
      sleep: async ms => {
        slept.push(ms)
        if (slept.length === waits) finish()
        await new Promise(resolve => setTimeout(resolve, ms))
      }
    }
  }

  it('waits with backoff until the version is READY', async () => {
    const model = `${prefix}-ready`
    const clock = clockFinishingAfter(2, () => setStatus(mlflow.backendUri, model, '1', 'READY'))
    const d = deps(client, clock)
    const result = await registerCandidate(request(model, source), d)
    expect(result).toMatchObject({ registered: true, version: '1', status: 'READY' })
    expect(clock.slept).toEqual([250, 500])
    expect(d.logger.messages('info').join('\n')).toMatch(
      /Version 1 of '.*' is PENDING_REGISTRATION; reading again in 250 ms/
    )
    expect((await client.getModelVersion(model, '1')).status).toBe('READY')
  })

  it("fails on FAILED_REGISTRATION with MLflow's status message", async () => {
    const model = `${prefix}-failed`
    const message =
      'Copying artifacts to the model registry failed: AccessDenied on s3://models/churn'
    const clock = clockFinishingAfter(1, () =>
      setStatus(mlflow.backendUri, model, '1', 'FAILED_REGISTRATION', message)
    )
    const error = await failure(registerCandidate(request(model, source), deps(client, clock)))
    expect(error).toBeInstanceOf(RegistrationFailedError)
    expect(error.message).toContain(`version 1: FAILED_REGISTRATION (MLflow said: ${message})`)
    // A rerun does not take the failed version for the candidate: it registers anew.
    const clock2 = clockFinishingAfter(1, () => setStatus(mlflow.backendUri, model, '2', 'READY'))
    const again = await registerCandidate(request(model, source), deps(client, clock2))
    expect(again).toMatchObject({ registered: true, version: '2', status: 'READY' })
  })
})
