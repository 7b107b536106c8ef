import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  runGate,
  type GateOptions,
  type CandidateFields,
  candidateOf
} from '../../../src/gate/gate.js'
import type { MetricsClient } from '../../../src/gate/mlflow-sources.js'
import { failuresJson } from '../../../src/gate/summary.js'
import type { ModelVersion, Run } from '../../../src/mlflow/index.js'
import { effectivePolicy } from '../../../src/policy/index.js'

/** One version, v1, whose run `r1` has the given status and an accuracy that passes. */
function client(status: string | undefined): MetricsClient {
  const version: ModelVersion = {
    name: 'm',
    version: '1',
    current_stage: 'None',
    run_id: 'r1',
    source: 'runs:/r1/model',
    status: 'READY',
    tags: [],
    aliases: []
  }
  const run: Run = {
    info: { run_id: 'r1', ...(status ? { status } : {}) },
    data: { metrics: [{ key: 'acc', value: 0.95, step: 0, timestamp: 1 }], params: [], tags: [] }
  }
  return {
    getModelVersion: () => Promise.resolve(version),
    getRun: () => Promise.resolve(run),
    getMetricHistory: () => Promise.resolve([]),
    getLoggedModel: () => Promise.reject(new Error('none')),
    getLatestVersions: () => Promise.resolve([]),
    getVersionByAlias: () => Promise.resolve(undefined)
  }
}

const options = ({
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
  workspace: process.cwd(),
  thresholds: 'acc >= 0.9',
  ...extra
})

describe('the candidate run must be FINISHED', () => {
  it.each(['FAILED', 'RUNNING', 'KILLED', 'SCHEDULED'])(
    'a version whose run is %s fails the gate, saying why, though its metrics pass',
    async status => {
      const run = await runGate(
        options({ model: 'm', version: '1' }),
        () => client(status),
        new MemoryLogger()
      )
      expect(run.result.passed).toBe(false)
      expect(run.result.rows.find(r => r.metric === 'acc')?.verdict).toBe('pass')
      expect(run.result.failures).toEqual([
        expect.objectContaining({
          check: 'run-status',
          observed: status,
          verdict: 'fail',
          reason: `version 1's run r1 has status ${status}, not FINISHED: its metrics may be incomplete or come from a failed job; finish (or re-run) it, or set allow-unfinished-runs: true`
        })
      ])
      expect(JSON.parse(failuresJson(run.result))).toHaveLength(1)
    }
  )

  it('a run-id candidate is checked the same way', async () => {
    const run = await runGate(options({ runId: 'r1' }), () => client('FAILED'), new MemoryLogger())
    expect(run.result.failures[0]?.reason).toMatch(/^run r1 has status FAILED, not FINISHED/)
  })

  it('passes with allow-unfinished-runs, with a notice', async () => {
    const run = await runGate(
      options({ model: 'm', version: '1', allowUnfinishedRuns: true }),
      () => client('RUNNING'),
      new MemoryLogger()
    )
    expect(run.result.passed).toBe(true)
    expect(run.notices).toContainEqual(
      expect.stringContaining('has status RUNNING, not FINISHED; it is gated anyway')
    )
  })

  it('a FINISHED run (or a server that reports no status) passes as before', async () => {
    for (const status of ['FINISHED', undefined]) {
      const run = await runGate(
        options({ model: 'm', version: '1' }),
        () => client(status),
        new MemoryLogger()
      )
      expect(run.result.passed).toBe(true)
      expect(run.result.rows.map(r => r.check)).toEqual(['threshold'])
    }
  })
})
