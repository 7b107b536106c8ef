import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the proxy may do to one request instead of (or on top of) passing it through. */
export type FaultKind = '503' | '429' | 'reset-before' | 'reset-after' | 'slow'
export const FAULT_KINDS: FaultKind[] = ['503', '429', 'reset-before', 'reset-after', 'slow']

export interface FaultOptions {
  /** Share of requests that get a fault, 0..1. */
  rate: number
  seed: number
  kinds?: FaultKind[]
  /** Delay range of a slow response, in ms. */
  slowMs?: [number, number]
  /** Retry-After values (seconds) a 429 carries. */
  retryAfter?: string[]
}

export interface ForwardedRequest {
  method: string
  path: string
  status: number
}

export interface FaultProxy {
  uri: string
  /** Counts per fault kind, plus `ok` for requests passed through untouched. */
  stats: Record<FaultKind | 'ok', number>
  /** Re-seeds the fault sequence (each seeded run starts from its own seed). */
  configure(options: Partial<FaultOptions>): void
  /** Awaited before a request is passed on (e.g. to hold it until the server is down). */
  beforeForward?: (request: { method: string; path: string }) => Promise<void> | void
  /** Awaited after the server answered and before the answer is relayed (e.g. to restart the server). */
  afterResponse?: (request: ForwardedRequest) => Promise<void> | void
  close(): Promise<void>
}

/** mulberry32: a small seeded PRNG, so a run's faults are reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const json = (code: string, message: string): string =>
  JSON.stringify({ error_code: code, message })

/**
 * A loopback HTTP proxy in front of a real server that injects 503s, 429s with Retry-After,
 * connection resets (before the server saw the request, or after it acted on it) and slow
 * answers on a seeded random share of requests.
 */
export async function startFaultProxy(target: string, initial: FaultOptions): Promise<FaultProxy> {
  const upstream = new URL(target)
  let options: FaultOptions = {
    kinds: FAULT_KINDS,
    slowMs: [200, 1500],
    retryAfter: ['0', '1'],
    ...initial
  }
  let random = seededRandom(options.seed)
  const stats = Object.fromEntries([...FAULT_KINDS, 'ok'].map(k => [k, 0])) as FaultProxy['stats']
  const agent = new http.Agent({ keepAlive: true })
  const sockets = new Set<import('node:net').Socket>()

  const proxy: FaultProxy = {
    uri: '',
    stats,
    configure(next) {
      options = { ...options, ...next }
      if (next.seed !== undefined) random = seededRandom(next.seed)
    },
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        agent.destroy()
        server.close(() => resolve())
      })
  }

  const forward = (
    req: http.IncomingMessage,
    body: Buffer
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent
        },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks)
            })
          )
          res.on('error', reject)
        }
      )
      out.on('error', reject)
      out.end(body)
    })

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        await proxy.beforeForward?.({ method: req.method ?? '', path: req.url ?? '' })
        const kinds = options.kinds ?? FAULT_KINDS
        const roll = random()
        const fault = roll < options.rate ? kinds[Math.floor(random() * kinds.length)] : undefined
        const pick = random()
        if (fault === '503') {
          stats['503']++
          res
            .writeHead(503, { 'content-type': 'application/json' })
            .end(json('TEMPORARILY_UNAVAILABLE', 'injected 503'))
          return
        }
        if (fault === '429') {
          stats['429']++
          const values = options.retryAfter ?? ['0']
          res
            .writeHead(429, {
              'content-type': 'application/json',
              'retry-after': values[Math.floor(pick * values.length)]!
            })
            .end(json('REQUEST_LIMIT_EXCEEDED', 'injected 429'))
          return
        }
        if (fault === 'reset-before') {
          stats['reset-before']++
          req.socket.destroy()
          return
        }
        if (fault === 'slow') {
          stats.slow++
          const [min, max] = options.slowMs ?? [200, 1500]
          await new Promise(r => setTimeout(r, min + pick * (max - min)))
        }
        let answer
        try {
          answer = await forward(req, Buffer.concat(chunks))
        } catch {
          // the server is down (e.g. restarting): the client sees a reset, as it would without a proxy
          req.socket.destroy()
          return
        }
        await proxy.afterResponse?.({
          method: req.method ?? '',
          path: req.url ?? '',
          status: answer.status
        })
        if (fault === 'reset-after') {
          stats['reset-after']++
          req.socket.destroy()
          return
        }
        if (!fault) stats.ok++
        const headers = { ...answer.headers }
        delete headers['transfer-encoding']
        delete headers.connection
        res.writeHead(answer.status, headers).end(answer.body)
      })()
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  proxy.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
