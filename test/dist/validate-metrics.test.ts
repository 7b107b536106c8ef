import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { OUTPUT } from '../harness/paths.js'
import { seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'

const POLICY = `stages:
  - name: Staging
  - name: Production
    gates:
      - acc >= 0.9   # release floor
      - loss <= 0.25
    champion:
      compare_to: stage:Production
      metrics:
        acc: { max_regression: 1% }
`

/** metrics.json: the failing key `eval.acc` sits on line 3, where the annotation must point. */
const METRICS_JSON = '{\n  "eval": {\n    "acc": 0.81,\n    "loss": 0.2\n  }\n}\n'

describe('validate-metrics bundle', () => {
  const { mlflow } = harness()
  const model = uniqueName('dist-gate')
  let workspace = ''

  beforeAll(() => {
    // v1 is the Production champion (acc 0.9); v2 is the challenger (acc 0.93)
    seed(mlflow.uri, [
      { op: 'run', metrics: { acc: 0.9, loss: 0.2 }, artifact: false },
      { op: 'register', name: model, run: 0 },
      { op: 'transition', name: model, version: '1', stage: 'Production' },
      { op: 'run', metrics: { acc: [0.85, 0.93], loss: 0.18 }, artifact: false },
      { op: 'register', name: model, run: 3 }
    ])
    mkdirSync(path.join(OUTPUT, 'dist-workspaces'), { recursive: true })
    workspace = mkdtempSync(path.join(OUTPUT, 'dist-workspaces', 'gate-'))
    mkdirSync(path.join(workspace, '.github'))
    writeFileSync(path.join(workspace, '.github', 'model-governance.yml'), POLICY)
    writeFileSync(path.join(workspace, 'metrics.json'), METRICS_JSON)
  })

  const common = () => ({ 'tracking-uri': mlflow.uri, 'model-name': model, version: '2' })

  describe.each(NODE_VERSIONS)('under %s', node => {
    it('passes a challenger that meets the thresholds and does not regress', async () => {
      const result = await runDist(
        'validate-metrics',
        { ...common(), thresholds: 'acc >= 0.9\nloss < 0.3', 'compare-to': 'stage:Production', 'max-regression': 'acc: 1%', 'policy-file': '' },
        { node, workspace }
      )
      expect(result.code).toBe(0)
      expect(result.outputs.passed).toBe('true')
      expect(result.outputs['champion-version']).toBe('1')
      expect(JSON.parse(result.outputs.metrics!)).toEqual({ acc: 0.93, loss: 0.18 })
      const report = JSON.parse(result.outputs.report!) as { metric: string; check: string; observed: number; champion: number; verdict: string }[]
      expect(report.map(r => [r.metric, r.check, r.observed, r.champion, r.verdict])).toEqual([
        ['acc', 'threshold', 0.93, 0.9, 'pass'],
        ['loss', 'threshold', 0.18, 0.2, 'pass'],
        ['acc', 'max-regression', 0.93, 0.9, 'pass']
      ])
      expect(result.summary).toContain('| metric | observed | rule | champion | delta | result |')
      expect(result.summary).toContain('| acc | 0.93 | acc >= 0.9 | 0.9 | 0.03 | ✅ pass |')
    })

    it('fails the step on a violation and annotates the failing file metric at its line', async () => {
      const result = await runDist(
        'validate-metrics',
        { ...common(), thresholds: 'eval.acc >= 0.9\nacc >= 0.9', 'metrics-files': 'metrics.json' },
        { node, workspace }
      )
      expect(result.code).toBe(1)
      expect(result.outputs.passed).toBe('false')
      const failures = JSON.parse(result.outputs.failures!) as { metric: string }[]
      expect(failures.map(f => f.metric)).toEqual(['eval.acc'])
      const errors = result.commands.filter(c => c.command === 'error')
      expect(errors.find(e => e.properties.includes('file=metrics.json'))?.properties).toContain('line=3')
      expect(errors.some(e => e.message.includes('validate-metrics failed 1 of 2 checks'))).toBe(true)
      expect(result.summary).toContain('❌ fail')
    })

    it('succeeds with passed=false when fail-on-violation is false', async () => {
      const result = await runDist(
        'validate-metrics',
        { ...common(), thresholds: 'acc >= 0.99', 'fail-on-violation': 'false' },
        { node, workspace }
      )
      expect(result.code).toBe(0)
      expect(result.outputs.passed).toBe('false')
      expect(JSON.parse(result.outputs.failures!)).toEqual([
        { metric: 'acc', check: 'threshold', rule: 'acc >= 0.99', observed: 0.93, reason: 'acc = 0.93 does not satisfy acc >= 0.99' }
      ])
      expect(result.commands.some(c => c.command === 'warning' && c.message.includes('fail-on-violation is false'))).toBe(true)
    })

    it("runs the policy's gates and champion block for the target stage", async () => {
      const result = await runDist('validate-metrics', { ...common(), stage: 'Production' }, { node, workspace })
      expect(result.code).toBe(0)
      expect(result.outputs['champion-version']).toBe('1')
      const report = JSON.parse(result.outputs.report!) as { rule: string; origin: string; verdict: string }[]
      expect(report.map(r => [r.rule, r.origin, r.verdict])).toEqual([
        ['acc >= 0.9', "policy stage 'Production' gate 1", 'pass'],
        ['loss <= 0.25', "policy stage 'Production' gate 2", 'pass'],
        ['max-regression 1% (greater is better)', 'champion comparison', 'pass']
      ])
    })
  })

  it('reads a basic-auth server with masked credentials', async () => {
    const { auth } = harness()
    const { username, password } = auth.admin
    const secured = uniqueName('dist-gate-auth')
    // A handful of REST calls instead of a Python seeding process, which costs ~30 s here
    const post = async (endpoint: string, body: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${auth.uri}/api/2.0/mlflow/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
        body: JSON.stringify(body)
      })
      expect(response.status).toBe(200)
      return (await response.json()) as Record<string, unknown>
    }
    const experimentId = (await post('experiments/create', { name: secured })).experiment_id as string
    const runId = ((await post('runs/create', { experiment_id: experimentId })).run as { info: { run_id: string } }).info.run_id
    await post('runs/log-metric', { run_id: runId, key: 'acc', value: 0.93, timestamp: 1, step: 0 })
    // A run the gate may pass is FINISHED (an unfinished one fails unless allow-unfinished-runs).
    await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: 2 })
    await post('registered-models/create', { name: secured })
    await post('model-versions/create', { name: secured, source: `runs:/${runId}/model`, run_id: runId })
    const result = await runDist(
      'validate-metrics',
      { 'tracking-uri': auth.uri, 'tracking-username': username, 'tracking-password': password, 'model-name': secured, version: '1', thresholds: 'acc >= 0.9' },
      { workspace }
    )
    expect(result.code).toBe(0)
    expect(result.outputs.passed).toBe('true')
    expect(result.commands.some(c => c.command === 'add-mask' && c.message === password)).toBe(true)
    // the only lines that may carry the password are the ones registering it for masking
    const unmasked = result.all.split('\n').filter(line => line.includes(password) && !line.startsWith('::add-mask::'))
    expect(unmasked).toEqual([])
  })

  it('refuses a gate with no rules, naming what to set', async () => {
    const result = await runDist('validate-metrics', { ...common(), 'policy-file': '' }, { workspace: mkdtempSync(path.join(OUTPUT, 'dist-workspaces', 'empty-')) })
    expect(result.code).toBe(1)
    expect(result.commands.find(c => c.command === 'error')?.message).toContain('No rules to check')
    expect(result.outputs.passed).toBeUndefined()
  })
})
