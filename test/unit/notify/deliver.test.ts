import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import { DEFAULT_RETRY, parseRetryAfter } from '../../../src/mlflow/http.js'
import { deliver, type Fetch } from '../../../src/notify/deliver.js'
import type { NotificationMessage } from '../../../src/notify/message.js'
import { policyRetrier } from '../../../src/notify/retry.js'

const message: NotificationMessage = {
  kind: 'approval-requested',
  status: 'pending',
  title: 'Approval requested: churn v7 → Production',
  facts: [{ label: 'Model', value: 'churn' }],
  sections: [],
  links: [],
  data: {}
}
const SLACK = 'https://hooks.slack.example/services/T000/B000/very-secret-token'

/** A clock that only moves when slept on, and a fetch that answers from a script. */
function setup(answers: { status: number; body?: string; retryAfter?: string }[]) {
  let now = 0
  const sleeps: number[] = []
  const calls: { url: string; body: string; at: number }[] = []
  const fetch: Fetch = (url, init) => {
    calls.push({ url, body: init.body, at: now })
    const answer = answers.shift() ?? { status: 200, body: 'ok' }
    return Promise.resolve(
      new Response(answer.body ?? '', {
        status: answer.status,
        headers: answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}
      })
    )
  }
  const logger = new MemoryLogger()
  const retry = policyRetrier(
    { ...DEFAULT_RETRY, baseDelayMs: 100 },
    {
      clock: { now: () => now, sleep: ms => ((now += ms), sleeps.push(ms), Promise.resolve()) },
      random: () => 0,
      logger
    }
  )
  const deps = {
    fetch,
    retry,
    retryAfterMs: (h: string | null) => parseRetryAfter(h ?? undefined, now)
  }
  return { deps, calls, sleeps, logger }
}

describe('delivery through the suite retry policy', () => {
  it('waits as long as Retry-After says on a 429, then delivers to Slack through @slack/webhook', async () => {
    const { deps, calls, sleeps } = setup([{ status: 429, body: 'rate_limited', retryAfter: '7' }])
    const [result] = await deliver(message, [{ target: 'slack', url: SLACK }], deps)
    expect(result).toEqual({ target: 'slack', ok: true, attempts: 2, status: 200 })
    expect(sleeps).toEqual([7000])
    expect(calls.map(c => c.at)).toEqual([0, 7000])
    expect(JSON.parse(calls[1]!.body)).toMatchObject({
      text: message.title,
      blocks: expect.any(Array)
    })
  })

  it('retries 5xx with backoff, honouring Retry-After when longer, for Teams', async () => {
    const { deps, sleeps } = setup([
      { status: 503, retryAfter: '3' },
      { status: 502 },
      { status: 202 }
    ])
    const [result] = await deliver(
      message,
      [{ target: 'teams', url: 'https://x.example/teams' }],
      deps
    )
    expect(result).toEqual({ target: 'teams', ok: true, attempts: 3, status: 202 })
    // First wait: Retry-After 3 s over a 50 ms backoff; second: the backoff (100 ms × 2, half jitter at random 0).
    expect(sleeps).toEqual([3000, 100])
  })

  it('keeps the URL out of the retry log lines too', async () => {
    const { deps, logger } = setup([{ status: 500, body: `upstream ${SLACK} failed` }])
    const [result] = await deliver(message, [{ target: 'slack', url: SLACK }], deps)
    expect(result).toMatchObject({ ok: true, attempts: 2 })
    expect(logger.messages()).toEqual([
      'Posting to Slack: attempt 1 failed (HTTP 500 (upstream *** failed)); retrying in 0.1 s'
    ])
  })

  it('does not retry a 4xx that is not 408 or 429, and keeps the URL out of the problem', async () => {
    const { deps, calls } = setup([{ status: 404, body: `no_service for ${SLACK}` }])
    const [result] = await deliver(message, [{ target: 'slack', url: SLACK }], deps)
    expect(calls).toHaveLength(1)
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 404 })
    expect(result!.problem).toBe('HTTP 404 (no_service for ***)')
  })

  it('gives up after the policy’s attempts, and when Retry-After is beyond the budget', async () => {
    const many = setup(Array.from({ length: 10 }, () => ({ status: 500 })))
    const [gaveUp] = await deliver(
      message,
      [{ target: 'webhook', url: 'https://x.example/hook' }],
      many.deps
    )
    expect(gaveUp).toMatchObject({ ok: false, attempts: DEFAULT_RETRY.maxRetries + 1, status: 500 })
    expect(gaveUp!.problem).toMatch(/HTTP 500; gave up after 6 attempts/)
    const patient = setup([{ status: 429, retryAfter: '3600' }])
    const [tooLong] = await deliver(
      message,
      [{ target: 'webhook', url: 'https://x.example/hook' }],
      patient.deps
    )
    expect(patient.calls).toHaveLength(1)
    expect(tooLong!.problem).toMatch(
      /the server asked to wait 3600 s, beyond the 120 s retry budget/
    )
  })
})

describe('a receiver that echoes part of the secret URL', () => {
  const TEAMS =
    'https://prod-12.westeurope.logic.azure.com:443/workflows/4f1c0d2e9a8b7c6d/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zx9-SecretSig_ab12'
  it.each([
    ['the token segment alone', SLACK, 'slack', 'bad token very-secret-token'],
    [
      'the path percent-encoded',
      SLACK,
      'slack',
      'no route %2Fservices%2FT000%2FB000%2Fvery-secret-token'
    ],
    [
      'the path JSON-escaped',
      SLACK,
      'webhook',
      '{"error":"\\/services\\/T000\\/B000\\/very-secret-token"}'
    ],
    [
      'the path in upper case',
      SLACK,
      'webhook',
      'NOT FOUND: /SERVICES/T000/B000/VERY-SECRET-TOKEN'
    ],
    ['the signature query value', TEAMS, 'teams', 'invalid sig Zx9-SecretSig_ab12 for workflow'],
    ['the workflow id', TEAMS, 'teams', 'workflow 4f1c0d2e9a8b7c6d is disabled'],
    [
      'a secret cut by the length limit',
      SLACK,
      'webhook',
      `${'x'.repeat(190)} very-secret-token and more`
    ]
  ] as const)('redacts %s from the problem and the log', async (_case, url, target, body) => {
    const { deps, logger } = setup([
      { status: 500, body },
      { status: 400, body }
    ])
    const [result] = await deliver(message, [{ target, url }], deps)
    expect(result).toMatchObject({ ok: false, status: 400 })
    const said = [result!.problem!, ...logger.messages()].join('\n')
    expect(said).toContain('***')
    for (const secret of [
      'very-secret',
      'VERY-SECRET',
      'Zx9-SecretSig',
      'ecretSig',
      '4f1c0d2e9a8b7c6d'
    ])
      expect(said).not.toContain(secret)
    expect(said).not.toMatch(/very-sec|secret-tok/i)
  })
})
