import { describe, expect, it } from '@jest/globals'
import type { ModelVersion } from '../../../src/mlflow/index.js'
import { reconcile, RECONCILE_CONCURRENCY } from '../../../src/reconcile/reconcile.js'
import { BOTH_POLICY, chain, event, FakeReader, version } from '../../harness/reconcile-helpers.js'

/** FakeReader whose every call waits a tick, counting the models being read at once. */
class CountingReader extends FakeReader {
  private active = new Map<string, number>()
  maxModels = 0
  maxRequests = 0
  private requests = 0

  private async track<T>(model: string, read: () => Promise<T>): Promise<T> {
    this.active.set(model, (this.active.get(model) ?? 0) + 1)
    this.requests++
    this.maxModels = Math.max(this.maxModels, this.active.size)
    this.maxRequests = Math.max(this.maxRequests, this.requests)
    try {
      await new Promise(resolve => setImmediate(resolve))
      return await read()
    } finally {
      this.requests--
      const left = (this.active.get(model) ?? 1) - 1
      if (left === 0) this.active.delete(model)
      else this.active.set(model, left)
    }
  }

  override getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    return this.track(name, () => super.getLatestVersions(name, stages))
  }

  override getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    return this.track(name, () => super.getVersionByAlias(name, alias))
  }
}

/** N models, each with v1 in Production (champion) and v2 in Staging (challenger), all audited. */
function registryOf(n: number): {
  names: string[]
  entries: ReturnType<typeof chain>['entries']
  reader: CountingReader
} {
  const names = Array.from({ length: n }, (_, i) => `model-${String(i).padStart(4, '0')}`)
  const fields = names.flatMap(m => [event(m, '1', 'Production'), event(m, '2', 'Staging')])
  const models = Object.fromEntries(
    names.map(m => [
      m,
      {
        versions: [version(m, '1', 'Production'), version(m, '2', 'Staging')],
        aliases: { champion: '1', challenger: '2' }
      }
    ])
  )
  return { names, entries: chain(fields).entries, reader: new CountingReader(models) }
}

describe('reconcile at scale', () => {
  it('reads at most RECONCILE_CONCURRENCY models at once, and uses that many', async () => {
    const { names, entries, reader } = registryOf(50)
    const report = await reconcile(entries, { registry: reader, policyFor: () => BOTH_POLICY })
    expect(report.inSync).toBe(true)
    expect(reader.maxModels).toBe(RECONCILE_CONCURRENCY)
    // One get-latest-versions plus one GET per alias of each model in flight at most.
    const aliases = report.rows.filter(r => r.model === names[0] && r.target.kind === 'alias')
    expect(reader.maxRequests).toBeLessThanOrEqual(RECONCILE_CONCURRENCY * (1 + aliases.length))
  })

  it('keeps the models order in its rows, whichever read finishes first', async () => {
    const { names, entries, reader } = registryOf(30)
    const report = await reconcile(entries, { registry: reader, policyFor: () => BOTH_POLICY })
    expect(report.models).toEqual(names)
    const order = [...new Set(report.rows.map(r => r.model))]
    expect(order).toEqual(names)
  })

  it('costs a fixed number of registry requests per model (no per-model search)', async () => {
    const { names, entries, reader } = registryOf(1000)
    const report = await reconcile(entries, { registry: reader, policyFor: () => BOTH_POLICY })
    expect(report.inSync).toBe(true)
    const aliasTargets = report.rows.filter(r => r.model === names[0] && r.target.kind === 'alias')
    // get-latest-versions for both stages at once, one alias GET per alias.
    expect(reader.calls).toHaveLength(1000 * (1 + aliasTargets.length))
    expect(reader.calls.filter(c => c.startsWith('latest '))).toHaveLength(1000)
  })

  it('replays each model from its own entries only: another model never leaks in', async () => {
    const { entries, reader } = registryOf(3)
    const report = await reconcile(entries, { registry: reader, policyFor: () => BOTH_POLICY }, [
      'model-0001',
      'unknown'
    ])
    expect(report.models).toEqual(['model-0001', 'unknown'])
    const unknown = report.rows.filter(r => r.model === 'unknown')
    expect(unknown.length).toBeGreaterThan(0)
    expect(unknown.every(r => r.auditedVersion === null && r.registryVersion === null)).toBe(true)
    const prod = report.rows.find(r => r.model === 'model-0001' && r.target.name === 'Production')
    expect(prod?.entry?.model).toBe('model-0001')
  })

  it('stops on the first registry failure, as before', async () => {
    const { entries, reader } = registryOf(20)
    const original = reader.getLatestVersions.bind(reader)
    reader.getLatestVersions = (name: string, stages?: string[]) =>
      name === 'model-0005' ? Promise.reject(new Error('server down')) : original(name, stages)
    await expect(
      reconcile(entries, { registry: reader, policyFor: () => BOTH_POLICY })
    ).rejects.toThrow('server down')
  })
})
