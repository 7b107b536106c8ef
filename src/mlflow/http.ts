import { Agent, type Dispatcher } from 'undici'
import type * as z from 'zod'
import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import {
  DEFAULT_RETRY,
  isRetryableStatus,
  retry,
  type Attempt,
  type RetryPolicy
} from '../core/retry.js'
import { safeExcerpt } from '../core/text-safety.js'
import { systemClock, type Clock } from '../core/time.js'
import type { Connection } from './connection.js'
import { MlflowApiError, MlflowUnavailableError, type Operation } from './errors.js'

export { DEFAULT_RETRY, type RetryPolicy } from '../core/retry.js'

/** The same knobs MLflow's Python client reads, plus a total budget of our own. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const num = (name: string): number | undefined => {
    const raw = env[name]?.trim()
    if (!raw) return undefined
    const value = Number(raw)
    return Number.isFinite(value) && value >= 0 ? value : undefined
  }
  const retries = num('MLFLOW_HTTP_REQUEST_MAX_RETRIES')
  const factor = num('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR')
  const timeout = num('MLFLOW_HTTP_REQUEST_TIMEOUT')
  const budget = num('MODEL_GOVERNANCE_HTTP_RETRY_BUDGET_SECONDS')
  return {
    maxRetries: retries === undefined ? DEFAULT_RETRY.maxRetries : Math.floor(retries),
    baseDelayMs: factor === undefined ? DEFAULT_RETRY.baseDelayMs : factor * 1000,
    maxDelayMs: DEFAULT_RETRY.maxDelayMs,
    totalBudgetMs: budget === undefined ? DEFAULT_RETRY.totalBudgetMs : budget * 1000,
    requestTimeoutMs: timeout === undefined ? DEFAULT_RETRY.requestTimeoutMs : timeout * 1000
  }
}

/**
 * Caps on what a server may send. A JSON reply is buffered to be parsed, so its cap is what memory
 * can afford; an artifact download is streamed (never buffered whole), so its cap only bounds
 * time and disk. Both are far above what real registries send.
 */
export interface ResponseLimits {
  /** JSON API replies, bytes (MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB, default 32 MiB). */
  maxResponseBytes: number
  /** One streamed artifact download, bytes (MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB, default 10 GiB). */
  maxDownloadBytes: number
}

const MIB = 1024 * 1024
export const DEFAULT_LIMITS: ResponseLimits = {
  maxResponseBytes: 32 * MIB,
  maxDownloadBytes: 10 * 1024 * MIB
}
/** An error answer is only read for its code and message; the rest is dropped. */
const ERROR_BODY_LIMIT = 64 * 1024

export function responseLimitsFromEnv(env: NodeJS.ProcessEnv): ResponseLimits {
  const mib = (name: string, fallback: number): number => {
    const raw = env[name]?.trim()
    const value = raw ? Number(raw) : NaN
    return Number.isFinite(value) && value > 0 ? Math.floor(value * MIB) : fallback
  }
  return {
    maxResponseBytes: mib(
      'MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB',
      DEFAULT_LIMITS.maxResponseBytes
    ),
    maxDownloadBytes: mib('MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB', DEFAULT_LIMITS.maxDownloadBytes)
  }
}

/** MLflow answers a fatal archive-stage misuse with 500; retrying cannot help it. */
const FATAL_500_CODES = new Set(['INVALID_STATE', 'BAD_REQUEST', 'INVALID_PARAMETER_VALUE'])

export interface HttpOptions {
  logger: Logger
  retry?: RetryPolicy
  limits?: ResponseLimits
  clock?: Clock
  random?: () => number
  dispatcher?: Dispatcher
}

type Query = Record<string, string | number | boolean | string[] | undefined>

/** Low-level JSON-over-HTTP with MLflow's error model. Registry operations live in registry.ts. */
export class MlflowHttp {
  readonly server: string
  private readonly retry: RetryPolicy
  private readonly limits: ResponseLimits
  private readonly clock: Clock
  private readonly random: () => number
  private readonly dispatcher: Dispatcher
  private readonly headers: Record<string, string>

  constructor(
    private readonly connection: Connection,
    private readonly options: HttpOptions
  ) {
    this.server = connection.server
    this.retry = options.retry ?? DEFAULT_RETRY
    this.limits = options.limits ?? DEFAULT_LIMITS
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: {
          rejectUnauthorized: !connection.tls.insecure,
          ...(connection.tls.ca ? { ca: connection.tls.ca } : {}),
          ...(connection.tls.clientCert
            ? { cert: connection.tls.clientCert, key: connection.tls.clientCert }
            : {})
        }
      })
    this.headers = { accept: 'application/json', 'user-agent': 'model-governance' }
    const { auth } = connection
    if (auth.kind === 'basic') {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
      this.headers.authorization = `Basic ${encoded}`
    } else if (auth.kind === 'bearer') {
      this.headers.authorization = `Bearer ${auth.token}`
    }
  }

  get<T>(path: string, query: Query, schema: z.ZodType<T>, op: Operation): Promise<T> {
    return this.call('GET', path, query, undefined, schema, op)
  }

  post<T>(path: string, body: unknown, schema: z.ZodType<T>, op: Operation): Promise<T> {
    return this.call('POST', path, {}, body, schema, op)
  }

  patch<T>(path: string, body: unknown, schema: z.ZodType<T>, op: Operation): Promise<T> {
    return this.call('PATCH', path, {}, body, schema, op)
  }

  delete<T>(path: string, body: unknown, schema: z.ZodType<T>, op: Operation): Promise<T> {
    return this.call('DELETE', path, {}, body, schema, op)
  }

  /**
   * GET a raw body (artifact bytes) through the same auth, TLS, retry and error handling. A path
   * starting with '/' is taken from the server root (e.g. /api/2.0/mlflow-artifacts/...). The
   * body is handed to `consume` as a stream, so memory stays bounded whatever its size; a retry
   * calls `consume` again from the start. The stream fails when no byte comes for one request
   * timeout (a stall), when the whole call outlives the retry budget (a server dripping bytes),
   * or when it passes maxDownloadBytes.
   */
  stream<T>(
    path: string,
    query: Query,
    op: Operation,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    return this.call('GET', path, query, undefined, undefined, op, consume)
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close()
  }

  private url(path: string, query: Query): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue
      if (Array.isArray(value)) for (const item of value) params.append(key, item)
      else params.append(key, String(value))
    }
    const qs = params.toString()
    if (path.startsWith('/')) return `${this.connection.baseUrl}${path}${qs ? `?${qs}` : ''}`
    return `${this.connection.baseUrl}/api/2.0/mlflow/${path}${qs ? `?${qs}` : ''}`
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    query: Query,
    body: unknown,
    schema: z.ZodType<T> | undefined,
    op: Operation,
    consume?: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    const started = this.clock.now()
    const url = new URL(this.url(path, query))
    const headers = { ...this.headers }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const result = await retry<T>(
      async ({ timeoutMs: perRequest, remainingMs: remaining }): Promise<Attempt<T>> => {
        try {
          // The dispatcher's own request() (undici's documented Dispatcher API), not the
          // package's top-level helper: the bundle carries only the dispatcher parts of undici.
          const response = await this.dispatcher.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method,
            headers,
            body: body === undefined ? null : JSON.stringify(body),
            headersTimeout: perRequest,
            // Between two chunks: a stalled body fails after one request timeout.
            bodyTimeout: this.retry.requestTimeoutMs,
            // The whole exchange: one request timeout for a JSON call; for a download, which may
            // legitimately take longer, the rest of the budget (so a drip of bytes still ends).
            signal: AbortSignal.timeout(consume ? remaining : perRequest)
          })
          if (consume && response.statusCode >= 200 && response.statusCode < 300) {
            const limit = this.limits.maxDownloadBytes
            this.refuseDeclaredSize(response.headers['content-length'], true, op, response.body)
            const value = await consume(capped(response.body, limit, () => this.tooLarge(op, true)))
            return { ok: true, value }
          }
          if (response.statusCode >= 200 && response.statusCode < 300) {
            const limit = this.limits.maxResponseBytes
            this.refuseDeclaredSize(response.headers['content-length'], false, op, response.body)
            const text = await readText(response.body, limit, () => this.tooLarge(op, false))
            return { ok: true, value: this.validate(text, schema!, op) }
          }
          const text = await readText(response.body, ERROR_BODY_LIMIT, undefined)
          const { code, message } = parseError(response.statusCode, text)
          const retryable =
            isRetryableStatus(response.statusCode) &&
            !(response.statusCode === 500 && FATAL_500_CODES.has(code))
          if (!retryable) {
            throw new MlflowApiError(code, response.statusCode, op, this.server, message)
          }
          return {
            ok: false,
            retryable: true,
            problem: `${code} (HTTP ${response.statusCode})`,
            retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.clock.now())
          }
        } catch (error) {
          // Our own refusals (too large, not JSON) and a consumer's deliberate errors are final.
          if (error instanceof ActionError) throw error
          return {
            ok: false,
            retryable: true,
            problem: networkProblem(error, consume ? remaining : perRequest)
          }
        }
      },
      this.retry,
      {
        clock: this.clock,
        random: this.random,
        onRetry: (attempt, problem, wait) =>
          this.options.logger.debug(
            `MLflow ${method} ${path} attempt ${attempt} failed (${problem}); retrying in ${Math.round(wait)} ms`
          )
      }
    )
    if (result.ok) return result.value
    const attempts = result.attempts
    throw new MlflowUnavailableError(
      `Could not ${op.action} ${op.object}: ${this.server} did not answer successfully (${result.problem}) ` +
        `after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${((this.clock.now() - started) / 1000).toFixed(1)} s ` +
        `(limits: ${this.retry.maxRetries + 1} attempts, ${Math.round(this.retry.totalBudgetMs / 1000)} s); ` +
        'check that the tracking server is up and reachable from the runner'
    )
  }

  private tooLarge(op: Operation, download: boolean): MlflowApiError {
    const limit = download ? this.limits.maxDownloadBytes : this.limits.maxResponseBytes
    return new MlflowApiError(
      'RESPONSE_TOO_LARGE',
      200,
      op,
      this.server,
      `the answer is larger than ${formatBytes(limit)}; raise ${
        download
          ? 'MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB'
          : 'MODEL_GOVERNANCE_HTTP_MAX_RESPONSE_MIB'
      } if this server really sends that much`
    )
  }

  /** A Content-Length above the cap is refused before a byte of the body is read. */
  private refuseDeclaredSize(
    header: string | string[] | undefined,
    download: boolean,
    op: Operation,
    body: { destroy(): unknown }
  ): void {
    const limit = download ? this.limits.maxDownloadBytes : this.limits.maxResponseBytes
    const declared = Number(Array.isArray(header) ? header[0] : header)
    if (Number.isFinite(declared) && declared > limit) {
      body.destroy()
      throw this.tooLarge(op, download)
    }
  }

  private validate<T>(text: string, schema: z.ZodType<T>, op: Operation): T {
    let json: unknown
    try {
      json = text.trim() === '' ? {} : JSON.parse(text)
    } catch {
      throw new MlflowApiError('INVALID_RESPONSE', 200, op, this.server, 'the body is not JSON')
    }
    const result = schema.safeParse(json)
    if (!result.success) {
      const issue = result.error.issues[0]
      const where = issue
        ? `${issue.path.join('.') || '(root)'}: ${issue.message}`
        : 'unexpected shape'
      throw new MlflowApiError(
        'INVALID_RESPONSE',
        200,
        op,
        this.server,
        `unexpected response, ${where}`
      )
    }
    return result.data
  }
}

/** MLflow answers JSON errors, except basic-auth, which answers 401/403 in plain text. */
export function parseError(status: number, text: string): { code: string; message: string } {
  try {
    const json = JSON.parse(text) as { error_code?: unknown; message?: unknown }
    if (typeof json.error_code === 'string') {
      return {
        code: json.error_code,
        message: typeof json.message === 'string' ? json.message : ''
      }
    }
  } catch {
    // plain text: handled below
  }
  const byStatus: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'ENDPOINT_NOT_FOUND',
    408: 'REQUEST_TIMEOUT',
    429: 'REQUEST_LIMIT_EXCEEDED',
    500: 'INTERNAL_ERROR',
    502: 'BAD_GATEWAY',
    503: 'TEMPORARILY_UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED'
  }
  return { code: byStatus[status] ?? `HTTP_${status}`, message: text.slice(0, 500) }
}

export function parseRetryAfter(
  header: string | string[] | undefined,
  now: number
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT'
])

function networkProblem(error: unknown, deadlineMs: number): string {
  // Duck-typed: AbortSignal.timeout rejects with a DOMException, which is not always an Error
  // of this realm (jest's VM contexts), and undici's errors carry their code on them or a cause.
  if (typeof error !== 'object' || error === null) return 'network error'
  const { name, code, cause, message } = error as {
    name?: unknown
    code?: unknown
    cause?: { code?: unknown }
    message?: unknown
  }
  if (name === 'TimeoutError' || (name === 'AbortError' && code === undefined))
    return `no complete answer within ${(deadlineMs / 1000).toFixed(1)} s`
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return `timed out (${code})`
  const detail = errorDetail(code, cause?.code, name, message)
  return detail ? `network error ${detail}` : 'network error'
}

/** undici's code (on the error or its cause), else the error's name with its message. */
function errorDetail(code: unknown, causeCode: unknown, name: unknown, message: unknown): string {
  if (typeof code === 'string') return code
  if (typeof causeCode === 'string') return causeCode
  if (typeof name !== 'string') return ''
  // No code: not one of undici's socket errors, so its message is the only clue (a bundle
  // without a part undici needs says which, scripts/lib/bundle-plugins.mjs).
  return typeof message === 'string' && message ? `${name}: ${safeExcerpt(message, 200)}` : name
}

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} bytes`
}

type Body = AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown }

/**
 * Reads a body as UTF-8 up to `limit` bytes. Past it, `tooLarge` decides: an error to throw (a
 * success answer), or undefined to keep what was read and drop the rest (an error answer).
 */
async function readText(
  body: Body,
  limit: number,
  tooLarge: (() => Error) | undefined
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > limit) {
      body.destroy()
      if (tooLarge) throw tooLarge()
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length - (size - limit)))
      break
    }
    // undici hands out a fresh Buffer per chunk: kept as it is, not copied.
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Passes a body through, failing as soon as more than `limit` bytes have come. */
async function* capped(
  body: Body,
  limit: number,
  tooLarge: () => Error
): AsyncGenerator<Uint8Array> {
  let size = 0
  try {
    for await (const chunk of body) {
      size += chunk.length
      if (size > limit) throw tooLarge()
      yield chunk
    }
  } finally {
    // The consumer stopped early, failed or the cap was hit: release the connection either way.
    if (size > limit || !isEnded(body)) body.destroy()
  }
}

function isEnded(body: unknown): boolean {
  return (body as { readableEnded?: boolean }).readableEnded === true
}
