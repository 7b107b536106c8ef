import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  runGate,
  type GateOptions,
  type GateRun,
  type CandidateFields,
  candidateOf
} from '../../../src/gate/gate.js'
import { reportJson, gateSummary } from '../../../src/gate/summary.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/registry.js'
import { effectivePolicy } from '../../../src/policy/index.js'
import { OUTPUT } from '../../harness/paths.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { billionLaughs } from '../../harness/bombs.js'

const SECRET = 'AKIA_untrusted_metrics_secret_9051'
let top: string
let workspace: string

beforeAll(() => {
  mkdirSync(path.join(OUTPUT, 'gate-untrusted'), { recursive: true })
  top = mkdtempSync(path.join(OUTPUT, 'gate-untrusted', 'case-'))
  workspace = path.join(top, 'repo')
  mkdirSync(path.join(top, 'outside'), { recursive: true })
  mkdirSync(workspace)
  writeFileSync(
    path.join(top, 'outside', 'creds.json'),
    JSON.stringify({ aws_access_key: SECRET, region: 'eu' })
  )
})
afterAll(() => rmSync(top, { recursive: true, force: true }))

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
  workspace,
  thresholds: 'acc >= 0.9',
  ...extra
})

const noClient = (): never => {
  throw new Error('no MLflow client is needed for a files-only gate')
}

interface Attempt {
  run?: GateRun
  error?: unknown
  text: string
  ms: number
  rssGrowthMb: number
}

/** The gate as the action runs it, with everything it would print collected in `text`. */
async function attempt(extra: Partial<GateOptions> & CandidateFields): Promise<Attempt> {
  const logger = new MemoryLogger()
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  let run: GateRun | undefined
  let error: unknown
  try {
    run = await runGate(options(extra), noClient, logger)
  } catch (e) {
    error = e
  }
  const text = [
    error instanceof Error ? error.message : '',
    run ? reportJson(run.result) : '',
    run
      ? gateSummary(run.result, { subject: run.subject, champion: run.champion, notices: [] })
      : '',
    JSON.stringify(logger.lines)
  ].join('\n')
  return {
    ...(run ? { run } : {}),
    error,
    text,
    ms: performance.now() - started,
    rssGrowthMb: (process.memoryUsage().rss - rssBefore) / 1e6
  }
}

/** Refused (a ConfigurationError matching `refusal`), nothing leaked, and bounded. */
function expectRefused(result: Attempt, refusal: RegExp): void {
  expect(result.error).toBeInstanceOf(ConfigurationError)
  expect((result.error as Error).message).toMatch(refusal)
  expect(result.text).not.toContain(SECRET)
  expect(result.ms).toBeLessThan(10_000)
  expect(result.rssGrowthMb).toBeLessThan(200)
}

function write(name: string, text: string): void {
  rmSync(path.join(workspace, name), { force: true })
  writeFileSync(path.join(workspace, name), text)
}

describe('validate-metrics reads no metrics file outside the workspace', () => {
  it('refuses dvc.yaml metrics paths that lead outside (dvc-metrics: true), unless allow-external', async () => {
    write('dvc.yaml', 'metrics:\n  - ../outside/creds.json\n')
    expectRefused(
      await attempt({ dvcMetrics: true }),
      /^Metrics file \.\.\/outside\/creds\.json \(from metrics-files or dvc\.yaml\) contains '\.\.' leading outside the project; it was not read \(set allow-external: true/
    )
    // The same through a stage's wdir.
    write(
      'dvc.yaml',
      'stages:\n  s:\n    cmd: x\n    wdir: sub\n    metrics:\n      - ../../outside/creds.json\n'
    )
    expectRefused(await attempt({ dvcMetrics: true }), /contains '\.\.' leading outside/)
    // With allow-external the file is read: its key names show up in the gate's report.
    write('dvc.yaml', 'metrics:\n  - ../outside/creds.json\n')
    const allowed = await attempt({ dvcMetrics: true, allowExternal: true })
    expect(allowed.error).toBeUndefined()
    expect(allowed.text).toContain('aws_access_key')
  })

  it('refuses a metrics file that is a symlink to outside, and an absolute path outside', async () => {
    rmSync(path.join(workspace, 'metrics.json'), { force: true })
    symlinkSync(path.join(top, 'outside', 'creds.json'), path.join(workspace, 'metrics.json'))
    try {
      expectRefused(
        await attempt({ metricsFiles: 'metrics.json' }),
        /^Metrics file metrics\.json .*resolves through a symlink to outside the project/
      )
      expectRefused(
        await attempt({ metricsFiles: path.join(top, 'outside', 'creds.json') }),
        /is an absolute path/
      )
    } finally {
      rmSync(path.join(workspace, 'metrics.json'), { force: true })
    }
  })

  it('refuses a FIFO as a metrics file without blocking', async () => {
    expect(spawnSync('mkfifo', [path.join(workspace, 'pipe.json')]).status).toBe(0)
    try {
      expectRefused(
        await attempt({ metricsFiles: 'pipe.json' }),
        /^Metrics file pipe\.json is a FIFO \(named pipe\); only regular files are read/
      )
    } finally {
      rmSync(path.join(workspace, 'pipe.json'), { force: true })
    }
  })
})

describe('validate-metrics parses within bounds', () => {
  it('refuses an alias bomb in a metrics file and in dvc.yaml, with file and line', async () => {
    write('metrics.yaml', `acc: 0.95\n${billionLaughs()}`)
    const file = await attempt({ metricsFiles: 'metrics.yaml' })
    expectRefused(file, /^metrics\.yaml:8: aliases expand to more than \d+ nodes/)
    expect((file.error as ConfigurationError).location).toEqual({ file: 'metrics.yaml', line: 8 })
    write('dvc.yaml', `metrics: [m.json]\n${billionLaughs()}`)
    expectRefused(await attempt({ dvcMetrics: true }), /^dvc\.yaml:8: aliases expand/)
  })

  it('refuses JSON nested a million deep, with its line', async () => {
    write('deep.json', `{"acc": 0.95,\n "x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`)
    expectRefused(
      await attempt({ metricsFiles: 'deep.json' }),
      /^deep\.json:2 nests deeper than 100 levels/
    )
  })
})

describe('validate-metrics refuses unfinished runs (real MLflow server)', () => {
  const { mlflow } = harness()
  const name = uniqueName('gate-status')
  const c = new MlflowClient(
    new MlflowHttp(resolveConnection({ 'tracking-uri': mlflow.uri }, {}), {
      logger: new MemoryLogger()
    })
  )
  const versions: Record<string, string> = {}
  const runs: Record<string, string> = {}

  beforeAll(() => {
    const statuses = ['FINISHED', 'FAILED', 'RUNNING', 'KILLED']
    const seeded = seed(
      mlflow.uri,
      statuses.flatMap((status, i) => [
        { op: 'run', metrics: { acc: 0.95 }, status },
        { op: 'register', name, run: 2 * i }
      ])
    )
    statuses.forEach((status, i) => {
      versions[status] = seeded[2 * i + 1]!.version!
      runs[status] = seeded[2 * i]!.run_id!
    })
  })

  it('MLflow itself reports the seeded statuses', async () => {
    for (const status of Object.keys(runs))
      expect((await c.getRun(runs[status]!)).info.status).toBe(status)
  })

  it('passes the FINISHED run and fails FAILED, RUNNING and KILLED ones with a run-status row', async () => {
    for (const [status, version] of Object.entries(versions)) {
      const run = await runGate(
        options({ model: name, version, policy: effectivePolicy(undefined, name) }),
        () => c,
        new MemoryLogger()
      )
      expect(run.result.rows.find(r => r.metric === 'acc')?.verdict).toBe('pass')
      if (status === 'FINISHED') {
        expect(run.result.passed).toBe(true)
        continue
      }
      expect(run.result.passed).toBe(false)
      expect(run.result.failures).toEqual([
        expect.objectContaining({
          check: 'run-status',
          observed: status,
          reason: expect.stringMatching(
            new RegExp(
              `^version ${version}'s run ${runs[status]} has status ${status}, not FINISHED`
            )
          )
        })
      ])
    }
  })

  it('checks a run-id candidate too, and lets allow-unfinished-runs through with a notice', async () => {
    const failed = await runGate(options({ runId: runs.RUNNING! }), () => c, new MemoryLogger())
    expect(failed.result.failures.map(f => f.check)).toEqual(['run-status'])
    const allowed = await runGate(
      options({ model: name, version: versions.FAILED!, allowUnfinishedRuns: true }),
      () => c,
      new MemoryLogger()
    )
    expect(allowed.result.passed).toBe(true)
    expect(allowed.notices.join('\n')).toContain('has status FAILED, not FINISHED')
  })
})
