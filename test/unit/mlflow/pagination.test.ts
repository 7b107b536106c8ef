import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryLogger } from '../../../src/core/logger.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowApiError } from '../../../src/mlflow/errors.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MAX_PAGES, MlflowClient, SEARCH_PAGE_SIZE } from '../../../src/mlflow/registry.js'

/**
 * A local server that answers by page token: `pages` maps the page_token asked for ('' for the
 * first page) to the JSON reply. Every request's query is kept, so tests see what was asked.
 */
let pages: (token: string) => unknown = () => ({})
const asked: URLSearchParams[] = []
let server: http.Server
let client: MlflowClient

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams
      asked.push(query)
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(pages(query.get('page_token') ?? '')))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  client = new MlflowClient(
    new MlflowHttp(resolveConnection({ 'tracking-uri': uri }, {}), { logger: new MemoryLogger() })
  )
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const mv = (version: string): Record<string, unknown> => ({
  name: 'churn',
  version,
  current_stage: 'None'
})

function script(replies: Record<string, unknown>): void {
  asked.length = 0
  pages = token => {
    if (!(token in replies)) throw new Error(`unexpected page_token ${token}`)
    return replies[token]
  }
}

async function refusal(call: () => Promise<unknown>): Promise<MlflowApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(MlflowApiError)
  expect((error as MlflowApiError).errorCode).toBe('PAGINATION_LOOP')
  return error as MlflowApiError
}

describe('searches follow next_page_token to the end, bounded', () => {
  it('searchModelVersions reads every page, asking for a bounded page size', async () => {
    script({
      '': { model_versions: [mv('1'), mv('2')], next_page_token: 'p2' },
      p2: { model_versions: [], next_page_token: 'p3' }, // a short page (basic-auth filtering)
      p3: { model_versions: [mv('3')] }
    })
    const versions = await client.searchModelVersions("name='churn'")
    expect(versions.map(v => v.version)).toEqual(['1', '2', '3'])
    expect(asked.map(q => q.get('page_token'))).toEqual([null, 'p2', 'p3'])
    expect(asked.every(q => q.get('max_results') === String(SEARCH_PAGE_SIZE))).toBe(true)
    expect(asked.every(q => q.get('filter') === "name='churn'")).toBe(true)
  })

  it('refuses a page whose token does not advance instead of looping', async () => {
    script({
      '': { model_versions: [mv('1')], next_page_token: 'p2' },
      p2: { model_versions: [mv('2')], next_page_token: 'p2' }
    })
    const error = await refusal(() => client.searchModelVersions("name='churn'"))
    expect(error.message).toContain('already gave')
    expect(asked).toHaveLength(2)
  })

  it('refuses a token cycle across pages too', async () => {
    script({
      '': { model_versions: [], next_page_token: 'a' },
      a: { model_versions: [], next_page_token: 'b' },
      b: { model_versions: [], next_page_token: 'a' }
    })
    await refusal(() => client.searchModelVersions("name='churn'"))
    expect(asked).toHaveLength(3)
  })

  it('stops after maxPages of ever-new tokens (MAX_PAGES by default)', async () => {
    expect(MAX_PAGES).toBeGreaterThanOrEqual(1000)
    asked.length = 0
    let n = 0
    pages = () => ({ model_versions: [mv(String(n))], next_page_token: `t${++n}` })
    const small = new MlflowClient(client.http, { maxPages: 25 })
    const error = await refusal(() => small.searchModelVersions("name='churn'"))
    expect(error.message).toContain('still paging after 25 pages')
    expect(asked).toHaveLength(25)
  })

  it('getMetricHistory follows pages and refuses a repeated token', async () => {
    const metric = (value: number): Record<string, unknown> => ({
      key: 'auc',
      value,
      timestamp: value,
      step: value
    })
    script({
      '': { metrics: [metric(1)], next_page_token: 'n' },
      n: { metrics: [metric(2)] }
    })
    const history = await client.getMetricHistory('r1', 'auc')
    expect(history.map(m => m.value)).toEqual([1, 2])
    script({ '': { metrics: [metric(1)], next_page_token: '' }, x: {} })
    // An empty token ends the listing, as MLflow sends it on the last page.
    await expect(client.getMetricHistory('r1', 'auc')).resolves.toHaveLength(1)
    script({ '': { metrics: [], next_page_token: 'n' }, n: { metrics: [], next_page_token: 'n' } })
    await refusal(() => client.getMetricHistory('r1', 'auc'))
  })

  it('listRunArtifacts follows a next_page_token rather than cutting the listing', async () => {
    script({
      '': { files: [{ path: 'model/MLmodel', is_dir: false }], next_page_token: 'q' },
      q: { files: [{ path: 'model/model.pkl', is_dir: false }] }
    })
    const files = await client.listRunArtifacts('r1', 'model')
    expect(files.map(f => f.path)).toEqual(['model/MLmodel', 'model/model.pkl'])
    expect(asked.map(q => q.get('path'))).toEqual(['model', 'model'])
  })
})
