import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, sha256Hex } from '../../../src/audit/format.js'
import { runCli } from '../../../src/cli/main.js'
import { silentLogger } from '../../../src/core/logger.js'
import { createMlflowClient } from '../../../src/mlflow/index.js'
import { policyResolver } from '../../../src/policy/index.js'
import { loadVerifiedEntries } from '../../../src/reconcile/audit-source.js'
import { reconcile } from '../../../src/reconcile/reconcile.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { git, promoteAndAudit, workspace } from './fixtures.js'

const STAGES_ONLY = `stages:
  - name: Staging
  - name: Production
`

/**
 * The second report: Production moved out of band (MLflow's Python client), then a
 * forged line with a correct seq and prev, a back-dated ts and invented approvals claimed the
 * move, turning reconcile's DRIFT into "in sync". With the history check (on by default) the
 * forged entry is ignored, reconcile says so, and the drift is reported.
 */
describe('reconcile with a forged entry still reports the drift', () => {
  const { mlflow } = harness()
  const model = uniqueName('rc-forged')
  let ws: string
  let forger: string

  beforeAll(async () => {
    ws = workspace('forged', STAGES_ONLY)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'reconcile-forged' },
      { op: 'register', name: model, run: 0 },
      { op: 'register', name: model, run: 0 }
    ])
    await promoteAndAudit(ws, mlflow.uri, [
      [model, '1', 'Production', 'None', { 'allow-skip': 'true' }]
    ])
    seed(mlflow.uri, [
      { op: 'transition', name: model, version: '2', stage: 'Production', archive: true }
    ])
    const file = path.join(ws, 'AUDIT.log')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const forged = formatLine(
      sampleFields(7, {
        event: 'promote',
        outcome: 'success',
        model,
        version: '2',
        from: 'None',
        to: 'Production',
        previous_version: '1',
        ts: '2026-01-02T03:04:05.000Z',
        approvals: [
          { login: 'carol', state: 'approved', comment: 'lgtm', environments: ['production'] }
        ]
      }),
      lines.length + 1,
      sha256Hex(lines[lines.length - 1]!)
    )
    writeFileSync(file, `${lines.join('\n')}\n${forged}\n`)
    git(ws, ['commit', '--quiet', '-am', `Audit: promote ${model} v2`])
    forger = git(ws, ['rev-parse', 'HEAD']).trim()
  })

  const reconcileWith = async (history: boolean, warnings: string[] = []) => {
    const entries = await loadVerifiedEntries(path.join(ws, 'AUDIT.log'), 'AUDIT.log', {
      history,
      warn: m => warnings.push(m)
    })
    const registry = createMlflowClient(
      { 'tracking-uri': mlflow.uri },
      {},
      silentLogger,
      () => undefined
    )
    return reconcile(entries, {
      registry,
      policyFor: policyResolver({ workspace: ws, logger: silentLogger })
    })
  }

  it('without the history check the forgery makes the drift look governed (the attack)', async () => {
    const report = await reconcileWith(false)
    expect(report.inSync).toBe(true)
  })

  it('with it (the default) the forged entry is ignored, named, and the drift reported', async () => {
    const warnings: string[] = []
    const report = await reconcileWith(true, warnings)
    expect(report.inSync).toBe(false)
    expect(report.findings).toEqual([
      expect.objectContaining({
        model,
        kind: 'stage',
        target: 'Production',
        registry_version: '2',
        audited_version: '1'
      })
    ])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('1 entry is ignored because it fails the history check: line 2')
    expect(warnings[0]).toContain(`commit ${forger.slice(0, 12)} (fixture <fixture@example.com>)`)
  })

  it('the CLI reconcile and status report the drift and say which entry they ignored', async () => {
    for (const args of [['reconcile'], ['status', model]]) {
      const err: string[] = []
      const out: string[] = []
      const code = await runCli(args, {
        env: { MLFLOW_TRACKING_URI: mlflow.uri },
        cwd: ws,
        stdout: { write: t => void out.push(t), isTTY: false },
        stderr: { write: t => void err.push(t) }
      })
      expect({ args, code }).toEqual({ args, code: 1 })
      expect(err.join('')).toContain('ignored because it fails the history check: line 2')
      expect(out.join('')).toMatch(/DRIFT|drift/)
    }
  })
})
