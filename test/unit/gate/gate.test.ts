import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  runGate,
  type GateOptions,
  type CandidateFields,
  candidateOf
} from '../../../src/gate/gate.js'
import type { MetricsClient } from '../../../src/gate/mlflow-sources.js'
import type { ModelVersion, Run } from '../../../src/mlflow/index.js'
import { effectivePolicy, parsePolicy } from '../../../src/policy/index.js'

/** A registry with two versions: v1 (Production) and v2; each with one run. */
function fakeClient(
  runs: Record<string, Record<string, number>>
): MetricsClient & { calls: string[] } {
  const calls: string[] = []
  const version = (v: string, stage = 'None'): ModelVersion => ({
    name: 'm',
    version: v,
    current_stage: stage,
    run_id: `run${v}`,
    source: `runs:/run${v}/model`,
    status: 'READY',
    tags: [],
    aliases: []
  })
  return {
    calls,
    getModelVersion: (_name, v) => (
      calls.push(`version ${v}`),
      Promise.resolve(version(v, v === '1' ? 'Production' : 'None'))
    ),
    getRun: id => {
      calls.push(`run ${id}`)
      const metrics = Object.entries(runs[id] ?? {}).map(([key, value]) => ({
        key,
        value,
        step: 0,
        timestamp: 1
      }))
      const run: Run = { info: { run_id: id }, data: { metrics, params: [], tags: [] } }
      return Promise.resolve(run)
    },
    getMetricHistory: () => Promise.resolve([]),
    getLoggedModel: () => Promise.reject(new Error('no logged models here')),
    getLatestVersions: (_name, stages) =>
      Promise.resolve(stages?.includes('Production') ? [version('1', 'Production')] : []),
    getVersionByAlias: () => Promise.resolve(undefined)
  }
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  return dir
}

const base = ({
  model,
  version,
  runId,
  ...extra
}: Partial<GateOptions> & CandidateFields): GateOptions => ({
  candidate: candidateOf({ model, version, runId }),
  allowEmpty: false,
  dvcMetrics: false,
  aggregate: 'latest',
  missing: 'fail',
  policy: effectivePolicy(undefined, 'm'),
  workspace: workspace({}),
  ...extra
})

async function configError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

describe('runGate', () => {
  const runs = {
    run1: { acc: 0.9, loss: 0.2 },
    run2: { acc: 0.92, loss: 0.25, 'train.accuracy': 0.99 }
  }

  it('refuses a gate with no rules unless allow-empty, and never reads metrics for it', async () => {
    const client = fakeClient(runs)
    expect(
      await configError(
        runGate(base({ model: 'm', version: '2' }), () => client, new MemoryLogger())
      )
    ).toContain('No rules to check')
    const empty = await runGate(
      base({ model: 'm', version: '2', allowEmpty: true }),
      () => client,
      new MemoryLogger()
    )
    expect(empty.result.passed).toBe(true)
    expect(empty.notices[0]).toContain('allow-empty')
    expect(client.calls).toEqual([])
  })

  it('lists existing metrics and the nearest names for a missing one', async () => {
    const run = await runGate(
      base({ model: 'm', version: '2', thresholds: 'accuracy >= 0.9' }),
      () => fakeClient(runs),
      new MemoryLogger()
    )
    expect(run.result.passed).toBe(false)
    expect(run.result.failures[0]!.reason).toBe(
      "metric 'accuracy' not found in run run2; did you mean 'train.accuracy'? Metrics that exist: acc, loss, train.accuracy"
    )
  })

  it('with missing: warn skips the rule, and a gate whose rules were all skipped still fails', async () => {
    const one = await runGate(
      base({ model: 'm', version: '2', thresholds: 'nope > 1\nacc > 0.5', missing: 'warn' }),
      () => fakeClient(runs),
      new MemoryLogger()
    )
    expect(one.result.rows.map(r => r.verdict)).toEqual(['skipped', 'pass'])
    expect(one.result.passed).toBe(true)
    const all = await runGate(
      base({ model: 'm', version: '2', thresholds: 'nope > 1', missing: 'warn' }),
      () => fakeClient(runs),
      new MemoryLogger()
    )
    expect(all.result.passed).toBe(false)
    expect(all.result.failures[0]!.reason).toContain('gate checked nothing')
  })

  it('needs no MLflow client for a files-only gate and names the file and key of a non-number', async () => {
    const dir = workspace({ 'm.yaml': 'eval:\n  acc: .nan\n  f1: "0.8"\n  ok: 1\n' })
    const run = await runGate(
      base({
        workspace: dir,
        metricsFiles: 'm.yaml',
        thresholds: 'eval.acc > 0\neval.f1 > 0\neval.ok == 1'
      }),
      () => {
        throw new Error('no client expected')
      },
      new MemoryLogger()
    )
    expect(run.result.rows.map(r => r.verdict)).toEqual(['fail', 'fail', 'pass'])
    expect(run.result.failures[0]!.reason).toBe(
      "m.yaml key 'eval.acc' is NaN, not a finite number; a gate cannot compare it"
    )
    expect(run.result.failures[1]!.reason).toContain("m.yaml key 'eval.f1' is the string '0.8'")
    expect(run.result.evaluated).toEqual({ 'eval.acc': 'NaN', 'eval.f1': '0.8', 'eval.ok': 1 })
  })

  it('refuses conflicting sources unless prefer names one', async () => {
    const dir = workspace({ 'm.json': '{"acc": 0.5, "loss": 0.25}' })
    const options = base({
      workspace: dir,
      model: 'm',
      version: '2',
      metricsFiles: 'm.json',
      thresholds: 'acc > 0.1\nloss < 1'
    })
    expect(await configError(runGate(options, () => fakeClient(runs), new MemoryLogger()))).toBe(
      "Metric 'acc' has different values in its sources (m.json = 0.5, run run2 = 0.92); set 'prefer' to the source to trust (mlflow, files or a file path)"
    )
    const preferred = await runGate(
      { ...options, prefer: 'm.json' },
      () => fakeClient(runs),
      new MemoryLogger()
    )
    expect(preferred.result.rows.map(r => [r.metric, r.observed, r.source])).toEqual([
      ['acc', 0.5, 'm.json'],
      ['loss', 0.25, 'm.json']
    ])
    expect(preferred.result.rows[0]!.note).toContain('preferred over run run2 = 0.92')
    expect(
      await configError(
        runGate({ ...options, prefer: 'wandb' }, () => fakeClient(runs), new MemoryLogger())
      )
    ).toContain("'prefer' names 'wandb'")
  })

  it('takes greater-is-better from the threshold, or demands it when the rules cannot tell', async () => {
    const opts = base({
      model: 'm',
      version: '2',
      compareTo: 'stage:Production',
      maxRegression: 'loss: 10%'
    })
    const lower = await runGate(
      { ...opts, thresholds: 'loss < 0.5' },
      () => fakeClient(runs),
      new MemoryLogger()
    )
    // loss 0.25 against 0.2 is a 25% regression when lower is better
    expect(lower.result.failures.map(f => [f.check, f.rule])).toEqual([
      ['max-regression', 'max-regression 10% (lower is better)']
    ])
    expect(
      await configError(
        runGate({ ...opts, thresholds: 'loss != 0' }, () => fakeClient(runs), new MemoryLogger())
      )
    ).toContain("set 'greater-is-better' to 'loss: true' or 'loss: false'")
    const explicit = await runGate(
      { ...opts, thresholds: 'loss != 0', greaterIsBetter: 'loss: true' },
      () => fakeClient(runs),
      new MemoryLogger()
    )
    expect(explicit.result.passed).toBe(true)
  })

  it.each([
    [
      { compareTo: 'stage:Prod' },
      "'compare-to' is 'stage:Prod', but 'Prod' is not an MLflow stage"
    ],
    [
      { compareTo: 'latest' },
      "'compare-to' is 'latest'; use stage:Production, alias:<name> or a version number"
    ],
    [{ maxRegression: 'acc 0.1' }, "'max-regression' line 1: 'acc 0.1' has no ':'"],
    [{ maxRegression: 'acc: -1' }, "'max-regression' line 1: '-1' is not a tolerance"],
    [{ minImprovement: 'acc: 150%' }, 'must be at most 100%'],
    [{ stage: 'Canary' }, "'stage' is 'Canary', which the default stage order does not list"]
  ])('names the input to fix: %j', async (extra, message) => {
    const options = base({ model: 'm', version: '2', thresholds: 'acc >= 0.5', ...extra })
    expect(
      await configError(runGate(options, () => fakeClient(runs), new MemoryLogger()))
    ).toContain(message)
  })

  it("points a malformed policy gate at the policy file's line and column", async () => {
    const text =
      'stages:\n  - name: Production\n    gates:\n      - acc >= 0.5\n      - loss => 1\n'
    const policy = effectivePolicy(parsePolicy(text, 'gov.yml', new MemoryLogger()), 'm', 'gov.yml')
    const promise = runGate(
      base({ model: 'm', version: '2', stage: 'Production', policy, policyText: text }),
      () => fakeClient(runs),
      new MemoryLogger()
    )
    await expect(promise).rejects.toMatchObject({
      location: { file: 'gov.yml', line: 5, column: 6 }
    })
    expect(await configError(promise)).toContain(
      "Policy file gov.yml, stage 'Production' gates line 2, column 6: expected an operator"
    )
  })
})
