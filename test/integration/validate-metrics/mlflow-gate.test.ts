import { beforeAll, describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  runGate,
  type GateOptions,
  type CandidateFields,
  candidateOf
} from '../../../src/gate/gate.js'
import {
  aggregatePoints,
  readRunMetrics,
  readVersionMetrics
} from '../../../src/gate/mlflow-sources.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'
import { effectivePolicy, parsePolicy } from '../../../src/policy/index.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'

function client(uri: string): MlflowClient {
  return new MlflowClient(
    new MlflowHttp(resolveConnection({ 'tracking-uri': uri }, {}), {
      logger: new MemoryLogger(),
      retry: {
        maxRetries: 1,
        baseDelayMs: 10,
        maxDelayMs: 10,
        totalBudgetMs: 5000,
        requestTimeoutMs: 10_000
      }
    })
  )
}

const ACC = [0.7, 0.95, 0.88]
const LOSS = [0.5, 0.2, 0.3]

/**
 * One seeding pass through MLflow's Python client for every test here:
 *   v1: a run with metric history (also alias `champion`)
 *   v2: an MLflow 3 logged model with its own metrics, linked to a run that also logs `acc`
 *   v3: the Production champion
 *   v4: a run that logged NaN
 */
describe('validate-metrics gate against a real MLflow server', () => {
  const { mlflow } = harness()
  const name = uniqueName('gate')
  const fresh = uniqueName('gate-first')
  let seeded: Record<string, string>[] = []
  const c = client(mlflow.uri)
  const options = ({
    model = name,
    version,
    runId,
    ...extra
  }: Partial<GateOptions> & CandidateFields): GateOptions => ({
    candidate: candidateOf({ model, version, runId }),
    allowEmpty: false,
    dvcMetrics: false,
    aggregate: 'latest',
    missing: 'fail',
    policy: effectivePolicy(undefined, name),
    workspace: process.cwd(),
    ...extra
  })

  beforeAll(() => {
    seeded = seed(mlflow.uri, [
      { op: 'run', metrics: { acc: ACC, loss: LOSS, 'val/f1:macro': 0.8 } },
      { op: 'register', name, run: 0 },
      { op: 'run', metrics: { acc: 0.9, loss: 0.4 }, artifact: false },
      { op: 'logged_model', name, run: 2, metrics: { acc: 0.97, auc: 0.93 } },
      // a second model evaluated in the same run moves the run's latest acc to 0.99
      { op: 'logged_model', name, run: 2, metrics: { acc: 0.99 }, register: false },
      { op: 'run', metrics: { acc: [0.8, 0.9], loss: 0.25 } },
      { op: 'register', name, run: 5 },
      { op: 'transition', name, version: '3', stage: 'Production' },
      { op: 'alias', name, alias: 'champion', version: '1' },
      { op: 'run', metrics: { acc: 'NaN', loss: 0.1 } },
      { op: 'register', name, run: 9 },
      { op: 'run', metrics: { acc: 0.9 } },
      { op: 'register', name: fresh, run: 11 }
    ])
  })

  it('reads a run the way runs/get reports it, and aggregates its history', async () => {
    const runId = seeded[0]!.run_id!
    const logger = new MemoryLogger()
    const needed = new Set(['acc', 'loss'])
    const values = async (aggregate: 'latest' | 'min' | 'max' | 'last') =>
      Object.fromEntries(
        (await readRunMetrics(c, runId, { aggregate, needed, logger })).map(o => [o.name, o.value])
      )
    expect(await values('latest')).toEqual({ acc: 0.88, loss: 0.3, 'val/f1:macro': 0.8 })
    expect(await values('max')).toMatchObject({ acc: Math.max(...ACC), loss: Math.max(...LOSS) })
    expect(await values('min')).toMatchObject({ acc: Math.min(...ACC), loss: Math.min(...LOSS) })
    expect(await values('last')).toMatchObject({ acc: ACC[2], loss: LOSS[2] })
    // the history MLflow stored reduces to the same latest value runs/get reports
    expect(aggregatePoints(await c.getMetricHistory(runId, 'acc'), 'latest')).toBe(0.88)
  })

  it("reads an MLflow 3 logged model's metrics, which take precedence over its run's", async () => {
    const version = await c.getModelVersion(name, seeded[3]!.version!)
    expect(version.source).toMatch(/^models:\/m-[0-9a-f]+$/)
    const read = await readVersionMetrics(c, name, version, {
      aggregate: 'latest',
      needed: new Set(['acc']),
      logger: new MemoryLogger()
    })
    const acc = read.observations.find(o => o.name === 'acc')!
    expect(acc).toMatchObject({
      value: 0.97,
      source: { kind: 'logged-model', label: `logged model ${seeded[3]!.model_id}` }
    })
    expect(
      (await c.getRun(seeded[2]!.run_id!)).data.metrics.find(m => m.key === 'acc')?.value
    ).toBe(0.99)
    expect(acc.note).toContain('run value 0.99 not used')
    expect(read.observations.find(o => o.name === 'auc')?.value).toBe(0.93)
    expect(read.observations.find(o => o.name === 'loss')).toMatchObject({
      value: 0.4,
      source: { kind: 'run' }
    })
  })

  it('compares with the Production champion and reports observed, champion and delta', async () => {
    const run = await runGate(
      options({
        version: '2',
        thresholds: 'acc >= 0.9\nauc > 0.9',
        compareTo: 'stage:Production',
        maxRegression: 'acc: 1%',
        minImprovement: 'acc: 0.05'
      }),
      () => c,
      new MemoryLogger()
    )
    expect(run.championVersion).toBe('3')
    expect(run.result.passed).toBe(true)
    const rows = run.result.rows.filter(r => r.metric === 'acc')
    expect(rows.map(r => [r.check, r.observed, r.champion, r.verdict])).toEqual([
      ['threshold', 0.97, 0.9, 'pass'],
      ['max-regression', 0.97, 0.9, 'pass'],
      ['min-improvement', 0.97, 0.9, 'pass']
    ])
    expect(rows[0]!.delta).toBeCloseTo(0.07, 12)
  })

  it('fails a challenger that regresses against the alias champion', async () => {
    // v3 (acc 0.9) against alias champion v1 (acc 0.88 latest, 0.95 at its best step)
    const latest = await runGate(
      options({
        version: '3',
        thresholds: 'acc > 0.5',
        compareTo: 'alias:champion',
        maxRegression: 'acc: 0.01'
      }),
      () => c,
      new MemoryLogger()
    )
    expect(latest.championVersion).toBe('1')
    expect(latest.result.passed).toBe(true)
    const best = await runGate(
      options({
        version: '3',
        thresholds: 'acc > 0.5',
        compareTo: 'alias:champion',
        maxRegression: 'acc: 0.01',
        aggregate: 'max'
      }),
      () => c,
      new MemoryLogger()
    )
    expect(best.result.passed).toBe(false)
    expect(best.result.failures[0]).toMatchObject({
      metric: 'acc',
      check: 'max-regression',
      observed: 0.9,
      champion: 0.95
    })
  })

  it('passes the comparison with a notice when nothing holds the champion place yet', async () => {
    const run = await runGate(
      options({
        model: fresh,
        version: '1',
        thresholds: 'acc >= 0.5',
        compareTo: 'stage:Production',
        minImprovement: 'acc: 1%'
      }),
      () => c,
      new MemoryLogger()
    )
    expect(run.result.passed).toBe(true)
    expect(run.championVersion).toBeUndefined()
    expect(run.notices.join(' ')).toContain('first deployment')
    expect(run.result.rows.find(r => r.check === 'min-improvement')?.reason).toContain(
      'no champion yet'
    )
  })

  it('fails on a NaN that MLflow stored, naming the run and the metric', async () => {
    const run = await runGate(
      options({ version: '4', thresholds: 'acc >= 0.5\nloss <= 1' }),
      () => c,
      new MemoryLogger()
    )
    expect(run.result.passed).toBe(false)
    expect(run.result.failures).toHaveLength(1)
    expect(run.result.failures[0]!.reason).toContain(`run ${seeded[9]!.run_id} metric 'acc' is NaN`)
  })

  it("applies the policy stage's gates and champion block together with the inputs", async () => {
    const text = [
      'stages:',
      '  - name: Staging',
      '  - name: Production',
      '    gates:',
      '      - acc >= 0.8',
      '      - loss <= 0.3',
      '    champion:',
      '      metrics:',
      '        acc: { max_regression: 3% }',
      ''
    ].join('\n')
    const policy = effectivePolicy(
      parsePolicy(text, 'policy.yml', new MemoryLogger()),
      name,
      'policy.yml'
    )
    const run = await runGate(
      options({
        version: '1',
        stage: 'Production',
        thresholds: 'loss >= 0',
        policy,
        policyText: text
      }),
      () => c,
      new MemoryLogger()
    )
    // v1 (acc 0.88, loss 0.3) against the Production holder v3 (acc 0.9): 0.88 >= 0.9 - 3%·0.9 = 0.873
    expect(run.championVersion).toBe('3')
    expect(run.result.rows.map(r => [r.rule, r.verdict])).toEqual([
      ['loss >= 0', 'pass'],
      ['acc >= 0.8', 'pass'],
      ['loss <= 0.3', 'pass'],
      ['max-regression 3% (greater is better)', 'pass']
    ])
    expect(run.result.rows[1]!.origin).toBe("policy stage 'Production' gate 1")
  })
})
