import { IncomingWebhook, type FetchFunction } from '@slack/webhook'
import type { NotificationMessage } from './message.js'
import { genericPayload } from './generic.js'
import { urlRedactor } from './redact.js'
import { RETRYABLE_STATUS, type Attempt, type Retrier } from './retry.js'
import { slackPayload } from './slack.js'
import { teamsPayload } from './teams.js'

type FetchResponse = Awaited<ReturnType<FetchFunction>>

export type Target = 'slack' | 'teams' | 'webhook'

export const TARGET_NAME: Record<Target, string> = {
  slack: 'Slack',
  teams: 'Microsoft Teams',
  webhook: 'the webhook'
}

export interface Destination {
  target: Target
  /** A secret: it never appears in a result, a problem or a log line. */
  url: string
}

export interface Delivery {
  target: Target
  ok: boolean
  attempts: number
  /** The last HTTP status, when there was an answer. */
  status?: number
  /** Why it failed; the URL is redacted from it. */
  problem?: string
}

/** The global fetch's shape, as much of it as the senders use; injected for tests. */
export type Fetch = (
  url: string,
  init: {
    method: 'POST'
    headers: Record<string, string>
    body: string
    redirect: 'error'
    signal?: AbortSignal | undefined
  }
) => Promise<FetchResponse>

export interface DeliverDeps {
  fetch: Fetch
  retry: Retrier
  /** Parses a Retry-After header into ms (the MLflow client's parser; injected to keep one). */
  retryAfterMs: (header: string | null) => number | undefined
}

/** An error answer is read for a short reason only. */
const ERROR_TEXT = 200

/**
 * The answer's reason, redacted before it is cut short: a secret cut in half by the limit would no
 * longer match, and its first half would be shown.
 */
function reason(status: number, body: string, redact: (text: string) => string): string {
  const text = redact(redact(body).replace(/\s+/g, ' ').trim()).slice(0, ERROR_TEXT)
  return `HTTP ${status}${text ? ` (${text})` : ''}`
}

function networkProblem(error: unknown, timeoutMs: number): string {
  const e = error as {
    name?: string
    message?: string
    cause?: { code?: string; message?: string }
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return `no answer within ${Math.round(timeoutMs / 1000)} s`
  const cause = e?.cause?.code ?? e?.cause?.message
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`
}

/**
 * Slack through Slack's own client (@slack/webhook). Its retries are off (retries: 0): it would
 * retry 5xx only, give up on 429 at once and ignore Retry-After, so each call is one attempt and
 * the suite's Retrier decides. The fetch it is handed records the answer's status and
 * Retry-After, which the client's error does not carry.
 */
/** One attempt at one destination: where, with what, within how long; `seen` keeps its status. */
interface AttemptContext {
  url: string
  redact: (text: string) => string
  deps: DeliverDeps
  timeoutMs: number
  seen: { status?: number }
}

async function slackAttempt(
  { url, redact, deps, timeoutMs, seen }: AttemptContext,
  message: NotificationMessage
): Promise<Attempt<number>> {
  let last: { status: number; retryAfter: string | null } | undefined
  const recording: FetchFunction = async (target, init) => {
    const response = await deps.fetch(String(target), {
      method: 'POST',
      headers: init?.headers ?? {},
      body: typeof init?.body === 'string' ? init.body : '',
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs)
    })
    last = { status: response.status, retryAfter: response.headers.get('retry-after') }
    return response
  }
  const webhook = new IncomingWebhook(url, { fetch: recording, retryConfig: { retries: 0 } })
  try {
    await webhook.send(slackPayload(message))
    seen.status = last?.status ?? 200
    return { ok: true, value: seen.status }
  } catch (error) {
    const http = error as { statusCode?: number; body?: string; original?: unknown }
    if (typeof http.statusCode === 'number') {
      seen.status = http.statusCode
      return {
        ok: false,
        retryable: RETRYABLE_STATUS(http.statusCode),
        problem: reason(http.statusCode, String(http.body ?? ''), redact),
        retryAfterMs: deps.retryAfterMs(last?.retryAfter ?? null)
      }
    }
    return {
      ok: false,
      retryable: true,
      problem: networkProblem(http.original ?? error, timeoutMs)
    }
  }
}

/** Teams and the generic webhook: one JSON POST; any 2xx is delivered (Workflows answers 202). */
async function jsonAttempt(
  { url, redact, deps, timeoutMs, seen }: AttemptContext,
  body: unknown
): Promise<Attempt<number>> {
  try {
    const response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'model-governance' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs)
    })
    seen.status = response.status
    const text = (await response.text().catch(() => '')).slice(0, ERROR_TEXT * 16)
    if (response.status >= 200 && response.status < 300) return { ok: true, value: response.status }
    return {
      ok: false,
      retryable: RETRYABLE_STATUS(response.status),
      problem: reason(response.status, text, redact),
      retryAfterMs: deps.retryAfterMs(response.headers.get('retry-after'))
    }
  } catch (error) {
    return { ok: false, retryable: true, problem: networkProblem(error, timeoutMs) }
  }
}

/** Sends the message to each destination, one after the other; never throws for a delivery. */
export async function deliver(
  message: NotificationMessage,
  destinations: Destination[],
  deps: DeliverDeps
): Promise<Delivery[]> {
  const results: Delivery[] = []
  for (const { target, url } of destinations) {
    const redact = urlRedactor(url)
    const seen: { status?: number } = {}
    // Redacted before the Retrier sees it: its retry lines are logged as they are.
    const outcome = await deps.retry(`Posting to ${TARGET_NAME[target]}`, async timeoutMs => {
      const attempt = { url, redact, deps, timeoutMs, seen }
      const result =
        target === 'slack'
          ? await slackAttempt(attempt, message)
          : await jsonAttempt(
              attempt,
              target === 'teams' ? teamsPayload(message) : genericPayload(message)
            )
      return result.ok ? result : { ...result, problem: redact(result.problem) }
    })
    results.push({
      target,
      ok: outcome.ok,
      attempts: outcome.attempts,
      ...(seen.status === undefined ? {} : { status: seen.status }),
      ...(outcome.ok ? {} : { problem: outcome.problem })
    })
  }
  return results
}
