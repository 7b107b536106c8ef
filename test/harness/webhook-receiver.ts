import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { adaptiveCardProblems } from './platform-checks.js'

/**
 * A local stand-in for the three receivers notify posts to, at least as strict as the real ones:
 *  - /slack/...  Slack's incoming webhook: a JSON body with `text` or `blocks`, at most 50 blocks,
 *    header text ≤ 150, section text ≤ 3000, ≤ 10 fields of ≤ 2000 characters; answers 200 `ok`,
 *    else 400 with Slack's error names (invalid_payload, no_text, invalid_blocks).
 *  - /teams/...  a Teams Workflows webhook: `attachments[0].contentType` must be
 *    application/vnd.microsoft.card.adaptive and the card must pass the adaptivecards parser;
 *    answers 202 with no body, as Power Automate does, else 400.
 *  - /hook/...   a generic JSON receiver: any JSON object; 200.
 * A test can script the next answers of a path (a 429 with Retry-After, a run of 500s) before
 * the normal answer. Every request is recorded with its arrival time.
 */
export interface Received {
  path: string
  at: number
  contentType: string | undefined
  body: unknown
  /** The status the receiver answered. */
  status: number
}

export interface ScriptedAnswer {
  status: number
  body?: string
  retryAfter?: string
}

export interface WebhookReceiver {
  uri: string
  received: Received[]
  /** Requests to one path (prefix match), in arrival order. */
  to(prefix: string): Received[]
  /** Queues answers for a path prefix, given before the receiver's own. */
  script(prefix: string, answers: ScriptedAnswer[]): void
  /** Called on each request as it arrives (e.g. to note what else has happened by then). */
  onRequest?: (received: Received) => void
  close(): Promise<void>
}

function slackProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'invalid_payload'
  const { text, blocks } = body as { text?: unknown; blocks?: unknown }
  if ((typeof text !== 'string' || !text) && !Array.isArray(blocks)) return 'no_text'
  if (blocks === undefined) return undefined
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks'
  for (const block of blocks as Record<string, unknown>[]) {
    const t = block.text as { text?: string } | undefined
    if (block.type === 'header' && [...(t?.text ?? '')].length > 150) return 'invalid_blocks'
    if (block.type === 'section') {
      const fields = (block.fields ?? []) as { text: string }[]
      if ((t?.text ?? '').length > 3000 || fields.length > 10) return 'invalid_blocks'
      if (fields.some(f => f.text.length > 2000)) return 'invalid_blocks'
      if (!t && fields.length === 0) return 'invalid_blocks'
    }
  }
  return undefined
}

function teamsProblem(body: unknown): string | undefined {
  const attachment = (body as { attachments?: { contentType?: string; content?: unknown }[] })
    ?.attachments?.[0]
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive')
    return 'attachments[0].contentType is not application/vnd.microsoft.card.adaptive'
  const problems = adaptiveCardProblems(attachment.content)
  return problems.length > 0 ? problems.join('; ') : undefined
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = []
  const scripts = new Map<string, ScriptedAnswer[]>()
  const receiver: WebhookReceiver = {
    uri: '',
    received,
    to: prefix => received.filter(r => r.path.startsWith(prefix)),
    script: (prefix, answers) => scripts.set(prefix, [...(scripts.get(prefix) ?? []), ...answers]),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
  const answer = (res: ServerResponse, status: number, body = '', retryAfter?: string): number => {
    res.writeHead(status, {
      'content-type': 'text/plain',
      ...(retryAfter ? { 'retry-after': retryAfter } : {})
    })
    res.end(body)
    return status
  }
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const path = req.url ?? '/'
    if (req.method !== 'POST') return answer(res, 405, 'method not allowed')
    const scripted = [...scripts.entries()].find(
      ([prefix, list]) => path.startsWith(prefix) && list.length > 0
    )
    if (scripted) {
      const next = scripted[1].shift()!
      return answer(res, next.status, next.body ?? '', next.retryAfter)
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return answer(res, 400, 'invalid_payload')
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      return answer(res, 400, 'invalid_payload')
    }
    if (path.startsWith('/slack/')) {
      const problem = slackProblem(body)
      return problem ? answer(res, 400, problem) : answer(res, 200, 'ok')
    }
    if (path.startsWith('/teams/')) {
      const problem = teamsProblem(body)
      return problem ? answer(res, 400, problem) : answer(res, 202)
    }
    if (path.startsWith('/hook/'))
      return typeof body === 'object' && body !== null && !Array.isArray(body)
        ? answer(res, 200, '{"ok":true}')
        : answer(res, 400, 'not a JSON object')
    return answer(res, 404, 'no_service')
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const at = Date.now()
      const status = handle(req, res, raw)
      let body: unknown = raw
      try {
        body = JSON.parse(raw)
      } catch {
        // recorded as text
      }
      const entry: Received = {
        path: req.url ?? '/',
        at,
        contentType: req.headers['content-type'],
        body,
        status
      }
      received.push(entry)
      receiver.onRequest?.(entry)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  receiver.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return receiver
}
