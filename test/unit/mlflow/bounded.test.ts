import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { MemoryLogger } from '../../../src/core/logger.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowApiError, MlflowUnavailableError } from '../../../src/mlflow/errors.js'
import {
  DEFAULT_LIMITS,
  MlflowHttp,
  responseLimitsFromEnv,
  type ResponseLimits,
  type RetryPolicy
} from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'
import { ROOT } from '../../harness/paths.js'

/**
 * Hostile tracking servers on loopback: one that drips a byte at a time, one that stalls, one
 * that sends a body far larger than any registry reply. The first path segment of the tracking
 * URI picks the behaviour (the client puts its API paths after it).
 */
const MIB = 1024 * 1024
const sockets = new Set<Socket>()
const timers = new Set<NodeJS.Timeout>()
let server: http.Server
let base = ''
const served = { bytes: 0 }

async function stream(
  res: http.ServerResponse,
  total: number,
  chunk: Buffer,
  prefix = '',
  suffix = ''
): Promise<void> {
  res.write(prefix)
  let sent = 0
  while (sent < total && !res.destroyed) {
    const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent)
    sent += piece.length
    served.bytes += piece.length
    if (!res.write(piece))
      await new Promise<void>(resolve => res.once('drain', resolve).once('close', resolve))
  }
  res.end(suffix)
}

function drip(res: http.ServerResponse, everyMs: number): void {
  const timer = setInterval(() => {
    if (res.destroyed) {
      clearInterval(timer)
      timers.delete(timer)
      return
    }
    res.write('a')
  }, everyMs)
  timers.add(timer)
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const kind = (req.url ?? '').split('/')[1]
    req.resume()
    switch (kind) {
      case 'drip-json':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"model_version": {"name": "churn", "version": "7", "description": "')
        return drip(res, 1000)
      case 'drip-download':
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        return drip(res, 200)
      case 'stall-download':
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        res.write('x')
        return
      case 'huge-json':
        // 300 MB of valid JSON: a description no registry would send.
        res.writeHead(200, { 'content-type': 'application/json' })
        void stream(
          res,
          300 * MIB,
          Buffer.alloc(MIB, 'a'),
          '{"model_version": {"name": "churn", "version": "7", "description": "',
          '"}}'
        )
        return
      case 'declared-json':
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(400 * MIB)
        })
        res.write('{')
        return
      case 'huge-download':
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        void stream(res, 300 * MIB, Buffer.alloc(MIB, 7))
        return
      default:
        res.writeHead(404).end()
    }
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const timer of timers) clearInterval(timer)
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => server.close(resolve))
})

const fast: RetryPolicy = {
  maxRetries: 10,
  baseDelayMs: 100,
  maxDelayMs: 200,
  totalBudgetMs: 3000,
  requestTimeoutMs: 1000
}

function client(kind: string, retry: RetryPolicy = fast, limits?: ResponseLimits): MlflowClient {
  return new MlflowClient(
    new MlflowHttp(resolveConnection({ 'tracking-uri': `${base}/${kind}` }, {}), {
      logger: new MemoryLogger(),
      retry,
      ...(limits ? { limits } : {})
    })
  )
}

async function timed<T>(work: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now()
  try {
    await work()
    return { error: undefined, ms: Date.now() - started }
  } catch (error) {
    return { error, ms: Date.now() - started }
  }
}

const drain = async (body: AsyncIterable<Uint8Array>): Promise<number> => {
  let bytes = 0
  for await (const chunk of body) bytes += chunk.length
  return bytes
}

/** One client call in its own process (test/harness/mlflow-probe.ts), with its peak RSS. */
async function probe(
  args: Record<string, unknown>
): Promise<Record<string, unknown> & { maxRssKb: number; ms: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(ROOT, 'test', 'harness', 'mlflow-probe.ts'),
      JSON.stringify(args)
    ],
    { cwd: ROOT, timeout: 60_000, maxBuffer: 1024 * 1024 }
  )
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown> & {
    maxRssKb: number
    ms: number
  }
}

const RSS_LIMIT_KB = 200 * 1024
const peaks: Record<string, number> = {}

describe('MLflow client against hostile servers', () => {
  it('stops a JSON reply that drips one byte a second, within the retry budget', async () => {
    const { error, ms } = await timed(() => client('drip-json').getModelVersion('churn', '7'))
    expect(error).toBeInstanceOf(MlflowUnavailableError)
    expect((error as Error).message).toMatch(
      /no complete answer within \d\.\d s\) after \d+ attempts/
    )
    expect(ms).toBeLessThan(15_000)
  })

  it('stops a download that drips a byte every 200 ms (never idle, never done) at the budget', async () => {
    let seen = 0
    const { error, ms } = await timed(() =>
      client('drip-download').downloadProxiedArtifact('model/model.pkl', async body => {
        for await (const chunk of body) seen += chunk.length
      })
    )
    expect(error).toBeInstanceOf(MlflowUnavailableError)
    expect((error as Error).message).toContain('limits: 11 attempts, 3 s')
    expect(seen).toBeGreaterThan(0)
    expect(ms).toBeLessThan(15_000)
  })

  it('fails a stalled download after one request timeout of silence, and retries it within the budget', async () => {
    const retry = { ...fast, totalBudgetMs: 5000 }
    const { error, ms } = await timed(() =>
      client('stall-download', retry).downloadProxiedArtifact('model/model.pkl', drain)
    )
    expect(error).toBeInstanceOf(MlflowUnavailableError)
    expect((error as Error).message).toMatch(
      /timed out \(UND_ERR_BODY_TIMEOUT\)|no complete answer/
    )
    expect((error as Error).message).toMatch(/after [2-9] attempts/)
    expect(ms).toBeLessThan(15_000)
  })

  it('refuses a declared 400 MB reply before reading it', async () => {
    const { error, ms } = await timed(() => client('declared-json').getModelVersion('churn', '7'))
    expect(error).toBeInstanceOf(MlflowApiError)
    expect((error as MlflowApiError).errorCode).toBe('RESPONSE_TOO_LARGE')
    expect((error as Error).message).toContain(
      'larger than 32 MiB; raise MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB'
    )
    expect(ms).toBeLessThan(5_000)
  })

  it('refuses a 300 MB JSON reply at the 32 MiB cap, in bounded memory (own process)', async () => {
    served.bytes = 0
    const result = await probe({ uri: `${base}/huge-json`, call: 'getModelVersion' })
    peaks['300 MB JSON reply, refused'] = result.maxRssKb
    expect(result).toMatchObject({ ok: false, code: 'RESPONSE_TOO_LARGE' })
    expect(result.maxRssKb).toBeLessThan(RSS_LIMIT_KB)
    // Not retried: a size refusal is final, so the server sent little more than the cap.
    expect(served.bytes).toBeLessThan(100 * MIB)
    expect(result.ms).toBeLessThan(30_000)
  })

  it('streams a 300 MB artifact through the hash without buffering it (own process)', async () => {
    const result = await probe({ uri: `${base}/huge-download`, call: 'download' })
    peaks['300 MB download, streamed'] = result.maxRssKb
    expect(result).toMatchObject({ ok: true, bytes: 300 * MIB })
    expect(result.maxRssKb).toBeLessThan(RSS_LIMIT_KB)
  })

  it('refuses a download past its cap and never hands the consumer more than the cap', async () => {
    let seen = 0
    const limits = { ...DEFAULT_LIMITS, maxDownloadBytes: 4 * MIB }
    const { error } = await timed(() =>
      client('huge-download', { ...fast, totalBudgetMs: 30_000 }, limits).downloadProxiedArtifact(
        'model/model.pkl',
        async body => {
          for await (const chunk of body) seen += chunk.length
        }
      )
    )
    expect(error).toBeInstanceOf(MlflowApiError)
    expect((error as MlflowApiError).errorCode).toBe('RESPONSE_TOO_LARGE')
    expect((error as Error).message).toContain('raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB')
    expect(seen).toBeLessThanOrEqual(4 * MIB)
  })

  it('reads the caps from the environment, in MiB, ignoring nonsense', () => {
    expect(responseLimitsFromEnv({})).toEqual({
      maxResponseBytes: 32 * MIB,
      maxDownloadBytes: 10240 * MIB
    })
    expect(
      responseLimitsFromEnv({
        MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB: '64',
        MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB: '0.5'
      })
    ).toEqual({
      maxResponseBytes: 64 * MIB,
      maxDownloadBytes: MIB / 2
    })
    expect(
      responseLimitsFromEnv({
        MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB: '-1',
        MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB: 'lots'
      })
    ).toEqual(DEFAULT_LIMITS)
  })

  afterAll(() => {
    // The measured peaks, for the record (the asserts above bound them).
    process.stderr.write(
      `client peak RSS: ${JSON.stringify(Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, `${Math.round(v / 1024)} MiB`])))}\n`
    )
  })
})
