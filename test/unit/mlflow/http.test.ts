import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as z from 'zod'
import { MemoryLogger } from '../../../src/core/logger.js'
import type { Clock } from '../../../src/core/time.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowApiError, MlflowUnavailableError } from '../../../src/mlflow/errors.js'
import { MlflowHttp, parseRetryAfter, type RetryPolicy } from '../../../src/mlflow/http.js'

/** A scripted local server: each request takes the next answer. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'reset' | 'hang'
let script: Answer[] = []
const seen: { method: string; url: string; auth?: string; body: string }[] = []
let server: http.Server
let base = ''

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        body
      })
      const answer = script.shift() ?? { status: 200, body: '{}' }
      if (answer === 'reset') return req.socket.destroy()
      if (answer === 'hang') return
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(answer.body ?? '')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** A clock whose sleeps return at once but advance time, to check waits without waiting. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 0
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    sleep: ms => {
      waits.push(ms)
      now += ms
      return Promise.resolve()
    }
  }
}

const retry: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  totalBudgetMs: 60_000,
  requestTimeoutMs: 2000
}
const op = { action: 'get', object: "registered model 'churn'" }
const schema = z.object({ ok: z.boolean().optional() }).passthrough()

function client(clock = fakeClock(), policy = retry, env: NodeJS.ProcessEnv = {}): MlflowHttp {
  return new MlflowHttp(resolveConnection({ 'tracking-uri': base }, env), {
    logger: new MemoryLogger(),
    retry: policy,
    clock,
    random: () => 0.5
  })
}

describe('MlflowHttp', () => {
  it('retries 503, 429 and resets with growing jittered waits, then succeeds', async () => {
    script = [
      { status: 503, body: '{"error_code":"TEMPORARILY_UNAVAILABLE"}' },
      'reset',
      { status: 429, body: '{}' },
      { status: 200, body: '{"ok":true}' }
    ]
    seen.length = 0
    const clock = fakeClock()
    await expect(client(clock).get('x', {}, schema, op)).resolves.toEqual({ ok: true })
    expect(seen).toHaveLength(4)
    // jitter 0.5 -> 75% of 100, 200, 400 ms
    expect(clock.waits).toEqual([75, 150, 300])
  })

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    script = [
      { status: 429, body: '{}', headers: { 'retry-after': '2' } },
      { status: 200, body: '{}' }
    ]
    const clock = fakeClock()
    await client(clock).get('x', {}, schema, op)
    expect(clock.waits).toEqual([2000])
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT'))
    ).toBe(2000)
  })

  it('never retries other 4xx, and types the error with code, object and server', async () => {
    script = [
      {
        status: 404,
        body: '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=churn not found"}'
      }
    ]
    seen.length = 0
    const error = (await client()
      .get('x', {}, schema, op)
      .catch((e: unknown) => e)) as MlflowApiError
    expect(seen).toHaveLength(1)
    expect(error).toBeInstanceOf(MlflowApiError)
    expect(error.message).toBe(
      `RESOURCE_DOES_NOT_EXIST: registered model 'churn' not found at ${base}`
    )
  })

  it('treats the archive-stage 500 (INVALID_STATE) as fatal, not transient', async () => {
    script = [
      { status: 500, body: '{"error_code":"INVALID_STATE","message":"not an Active stage"}' }
    ]
    seen.length = 0
    await expect(client().post('x', {}, schema, op)).rejects.toThrow('INVALID_STATE')
    expect(seen).toHaveLength(1)
  })

  it('parses basic-auth plain-text 401/403 answers', async () => {
    script = [
      {
        status: 401,
        body: 'You are not authenticated. Please see docs',
        headers: { 'content-type': 'text/plain' }
      }
    ]
    await expect(client().get('x', {}, schema, op)).rejects.toThrow(
      `UNAUTHENTICATED: ${base} rejected the credentials`
    )
    script = [{ status: 403, body: 'Permission denied' }]
    await expect(client().get('x', {}, schema, op)).rejects.toThrow(
      'PERMISSION_DENIED: the tracking user may not get'
    )
  })

  it('bounds attempts and total time, then says the server is unavailable', async () => {
    script = Array.from({ length: 10 }, () => ({ status: 502, body: '' }))
    seen.length = 0
    await expect(client().get('x', {}, schema, op)).rejects.toBeInstanceOf(MlflowUnavailableError)
    expect(seen).toHaveLength(4)
    script = Array.from({ length: 10 }, () => ({ status: 502, body: '' }))
    seen.length = 0
    const tight = { ...retry, totalBudgetMs: 200 }
    await expect(client(fakeClock(), tight).get('x', {}, schema, op)).rejects.toThrow(
      'after 2 attempts in 0.1 s (limits: 4 attempts, 0 s)'
    )
    expect(seen).toHaveLength(2)
  })

  it('times out a request that never answers', async () => {
    script = ['hang']
    const quick = { ...retry, maxRetries: 0, requestTimeoutMs: 200 }
    await expect(client(fakeClock(), quick).get('x', {}, schema, op)).rejects.toBeInstanceOf(
      MlflowUnavailableError
    )
  })

  it('sends versions as strings in JSON bodies, basic auth in the header, and validates responses', async () => {
    script = [{ status: 200, body: '{}' }]
    seen.length = 0
    await client(fakeClock(), retry, {
      MLFLOW_TRACKING_USERNAME: 'u',
      MLFLOW_TRACKING_PASSWORD: 'p'
    }).post('model-versions/transition-stage', { name: 'm', version: '3' }, schema, op)
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/2.0/mlflow/model-versions/transition-stage',
      auth: `Basic ${Buffer.from('u:p').toString('base64')}`
    })
    expect(JSON.parse(seen[0]!.body)).toEqual({ name: 'm', version: '3' })
    script = [{ status: 200, body: '{"ok":"yes"}' }]
    await expect(client().get('x', {}, schema, op)).rejects.toThrow('INVALID_RESPONSE')
  })
})
