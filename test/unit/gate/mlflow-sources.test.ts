import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  aggregatePoints,
  readVersionMetrics,
  type MetricsClient
} from '../../../src/gate/mlflow-sources.js'
import type { LoggedModel, Metric, ModelVersion, Run } from '../../../src/mlflow/index.js'

const point = (value: number, step: number, timestamp: number): Metric => ({
  key: 'acc',
  value,
  step,
  timestamp
})

describe('aggregatePoints', () => {
  const history = [point(0.7, 0, 10), point(0.95, 1, 30), point(0.88, 2, 20), point(0.9, 2, 20)]
  it('latest: latest timestamp, ties to the larger value (as runs/get); last: highest step', () => {
    expect(aggregatePoints(history, 'latest')).toBe(0.95)
    expect(aggregatePoints([point(0.1, 0, 5), point(0.3, 1, 5), point(0.2, 2, 5)], 'latest')).toBe(
      0.3
    )
    expect(aggregatePoints(history, 'last')).toBe(0.9)
    expect(aggregatePoints(history, 'min')).toBe(0.7)
    expect(aggregatePoints(history, 'max')).toBe(0.95)
  })

  it('lets no NaN step through min or max, and has no value for an empty history', () => {
    expect(aggregatePoints([point(1, 0, 1), point(Number.NaN, 1, 2)], 'max')).toBeNaN()
    expect(aggregatePoints([point(Number.NaN, 0, 1), point(1, 1, 2)], 'min')).toBeNaN()
    expect(aggregatePoints([], 'latest')).toBeNaN()
  })
})

describe('readVersionMetrics', () => {
  const version = {
    name: 'm',
    version: '2',
    source: 'models:/m-0123abcd',
    run_id: 'r1',
    current_stage: 'None',
    status: 'READY',
    tags: [],
    aliases: []
  } satisfies ModelVersion
  const requests: string[] = []
  const client: MetricsClient = {
    getModelVersion: () => Promise.resolve(version),
    getRun: id => {
      requests.push(`run ${id}`)
      const run: Run = {
        info: { run_id: id },
        data: {
          metrics: [point(0.99, 0, 50), { key: 'loss', value: 0.3, step: 0, timestamp: 1 }],
          params: [],
          tags: []
        }
      }
      return Promise.resolve(run)
    },
    getMetricHistory: (_id, key) => (
      requests.push(`history ${key}`),
      Promise.resolve([
        { key, value: 0.2, step: 0, timestamp: 1 },
        { key, value: 0.3, step: 1, timestamp: 2 }
      ])
    ),
    getLoggedModel: id => {
      requests.push(`logged model ${id}`)
      const model: LoggedModel = {
        info: { model_id: id, tags: [] },
        data: { params: [], metrics: [point(0.97, 0, 40), point(0.96, 1, 41)] }
      }
      return Promise.resolve(model)
    },
    getLatestVersions: () => Promise.resolve([]),
    getVersionByAlias: () => Promise.resolve(undefined)
  }

  it("takes the logged model's value over the run's and says so; aggregates each from its own points", async () => {
    requests.length = 0
    const read = await readVersionMetrics(client, 'm', version, {
      aggregate: 'max',
      needed: new Set(['acc', 'loss']),
      logger: new MemoryLogger()
    })
    const byName = Object.fromEntries(read.observations.map(o => [o.name, o]))
    expect(byName.acc).toMatchObject({
      value: 0.97,
      source: { kind: 'logged-model', label: 'logged model m-0123abcd' }
    })
    expect(byName.acc!.note).toBe(
      "max of 2 logged values; run value 0.99 not used: the logged model's value takes precedence"
    )
    expect(byName.loss).toMatchObject({
      value: 0.3,
      source: { kind: 'run', label: 'run r1' },
      note: 'max of 2 logged values'
    })
    // the run's history of acc is never fetched: the logged model's value is the one used
    expect(requests).toEqual(['logged model m-0123abcd', 'run r1', 'history loss'])
  })
})
