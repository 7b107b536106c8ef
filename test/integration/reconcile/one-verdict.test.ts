import { beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, sha256Hex } from '../../../src/audit/format.js'
import { runCli } from '../../../src/cli/main.js'
import { silentLogger } from '../../../src/core/logger.js'
import { policyResolver } from '../../../src/policy/index.js'
import { renderTrail } from '../../../src/provenance/index.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { git, promoteAndAudit, workspace } from './fixtures.js'

const STAGES_ONLY = `stages:
  - name: Staging
  - name: Production
`
const MALLORY = ['-c', 'user.name=Mallory', '-c', 'user.email=mallory@example.com']

/**
 * One trail, every reader: two governed promotions on the real MLflow server, an edit of the
 * newest line and its revert (net zero), then a real out-of-band move back to v1. reconcile
 * must still see the drift (the reverted line counts), and status, history, reconcile,
 * evidence, resolve and render must all report the same trust verdict for the same trail.
 */
describe('every reader trusts the same thing', () => {
  const { mlflow } = harness()
  const model = uniqueName('one-verdict')
  let ws: string
  const env = (): NodeJS.ProcessEnv => ({ MLFLOW_TRACKING_URI: mlflow.uri })

  const cli = async (args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(args, {
      env: env(),
      cwd: ws,
      stdout: { write: t => void out.push(t), isTTY: false },
      stderr: { write: t => void err.push(t) }
    })
    return { code, stdout: out.join(''), stderr: err.join('') }
  }

  beforeAll(async () => {
    ws = workspace('one-verdict', STAGES_ONLY)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'one-verdict' },
      { op: 'register', name: model, run: 0 },
      { op: 'register', name: model, run: 0 }
    ])
    await promoteAndAudit(ws, mlflow.uri, [
      [model, '1', 'Production', 'None', { 'allow-skip': 'true' }]
    ])
    await promoteAndAudit(ws, mlflow.uri, [
      [model, '2', 'Production', 'None', { 'allow-skip': 'true', 'archive-existing': 'true' }]
    ])
    const file = path.join(ws, 'AUDIT.log')
    const original = readFileSync(file, 'utf8')
    expect(original.split('\n').filter(Boolean)).toHaveLength(2)
    // The edit and its revert, by someone with write access: net zero.
    writeFileSync(file, original.replace(`"version":"2"`, `"version":"1"`))
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'edit'])
    git(ws, [...MALLORY, 'revert', '--no-edit', 'HEAD'])
    expect(readFileSync(file, 'utf8')).toBe(original)
    // A real move outside the trail: v1 back into Production.
    seed(mlflow.uri, [
      { op: 'transition', name: model, version: '1', stage: 'Production', archive: true }
    ])
  })

  it('the reverted edit hides no out-of-band move: reconcile reports the drift and exits 1', async () => {
    const result = await cli(['reconcile', '--model', model, '--json'])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      in_sync: boolean
      models: string[]
      findings: { registry_version: string; audited_version: string }[]
    }
    expect(doc.in_sync).toBe(false)
    expect(doc.models).toEqual([model])
    expect(doc.findings).toEqual([
      expect.objectContaining({ registry_version: '1', audited_version: '2' })
    ])
  })

  it('status, history, reconcile, evidence, resolve and render give one verdict', async () => {
    // A forged third line makes the verdict carry a finding every reader must agree on.
    const file = path.join(ws, 'AUDIT.log')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const forged = formatLine(
      sampleFields(9, { model, version: '1', to: 'Production', previous_version: '2' }),
      3,
      sha256Hex(lines[1]!)
    )
    writeFileSync(file, `${lines.join('\n')}\n${forged}\n`)
    git(ws, [...MALLORY, 'commit', '--quiet', '-am', 'Audit: promote'])

    const status = JSON.parse((await cli(['status', model, '--json'])).stdout) as {
      trust: unknown
      targets: { target: string; audited_version: string | null }[]
    }
    const history = JSON.parse((await cli(['history', model, '--json'])).stdout) as {
      trust: unknown
      events: unknown[]
    }
    const reconcile = JSON.parse((await cli(['reconcile', '--model', model, '--json'])).stdout) as {
      trust: unknown
    }
    const evidence = await cli(['evidence', model, '--version', '2', '--format', 'json'])
    const pack = JSON.parse(evidence.stdout) as { verification: { trust: unknown } }
    const resolve = await cli(['resolve', model, 'Production', '--json'])
    const resolved = JSON.parse(resolve.stdout) as { trust: unknown; audited_version: string }
    const rendered = await renderTrail(file, 'AUDIT.log', {
      keep: 20,
      policyFor: m => policyResolver({ workspace: ws, logger: silentLogger })(m),
      now: new Date(),
      trail: {
        githubUnavailable:
          "--check-runs was not given (it needs GITHUB_TOKEN with actions: read), so GitHub's record of the runs was not read"
      }
    })

    const verdicts = [
      status.trust,
      history.trust,
      reconcile.trust,
      pack.verification.trust,
      resolved.trust,
      rendered.trail.verdict
    ]
    for (const verdict of verdicts) expect(verdict).toEqual(status.trust)
    expect(status.trust).toMatchObject({
      chain: { state: 'verified' },
      history: { state: 'findings' },
      github: { state: 'not-available' },
      statement: expect.stringContaining('2 of 3 verified entries count')
    })
    // And they act on the same entries: the forged v1 line is nobody's audited state.
    expect(status.targets.find(t => t.target === 'Production')?.audited_version).toBe('2')
    expect(resolved.audited_version).toBe('2')
    expect(resolve.code).toBe(1)
    expect(history.events).toHaveLength(2)
    expect(rendered.markdown).not.toContain('release 9')
  })
})
