import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { verifyBytes } from '../../src/audit/verify.js'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { OUTPUT } from '../harness/paths.js'
import { seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'
import { startGithubFake } from '../harness/github-fake.js'

/** The bundle under test. */
const ACTION = 'reconcile'

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '6060',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'drift-cron',
  GITHUB_SERVER_URL: 'https://github.com'
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=fixture', '-c', 'user.email=fixture@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** A bare remote and a clone of it: the checkout of a scheduled workflow. */
function checkout(prefix: string): { remote: string; ws: string } {
  mkdirSync(path.join(OUTPUT, 'reconcile'), { recursive: true })
  const root = mkdtempSync(path.join(OUTPUT, 'reconcile', `${prefix}-`))
  const remote = path.join(root, 'remote.git')
  git(root, ['init', '--quiet', '--bare', '-b', 'main', remote])
  const ws = path.join(root, 'ws')
  git(root, ['clone', '--quiet', remote, ws])
  writeFileSync(path.join(ws, 'README.md'), '# models\n')
  git(ws, ['add', '.'])
  git(ws, ['commit', '--quiet', '-m', 'init'])
  git(ws, ['push', '--quiet', 'origin', 'HEAD:main'])
  return { remote, ws }
}

/** The reconcile action, bundled, on Node 20 and Node 24 against the real server. */
describe('dist/reconcile', () => {
  const { mlflow } = harness()
  const models = Object.fromEntries(NODE_VERSIONS.map(n => [n, uniqueName(`al-rc-${n}`)]))
  const checkouts: Record<string, { remote: string; ws: string }> = {}

  beforeAll(async () => {
    seed(mlflow.uri, [
      { op: 'run', experiment: 'reconcile-dist' },
      ...Object.values(models).flatMap(name => [
        { op: 'register', name, run: 0 },
        { op: 'register', name, run: 0 },
        { op: 'transition', name, version: '1', stage: 'Production' }
      ])
    ])
    // The promotion of v1 recorded as the governed workflow records it.
    for (const node of NODE_VERSIONS) {
      checkouts[node] = checkout(`dist-${node}`)
      const appended = await runDist(
        'audit-log',
        { event: 'promote', 'model-name': models[node], version: '1', from: 'None', to: 'Production', 'tracking-uri': mlflow.uri },
        { node, workspace: checkouts[node].ws, env: RUN_ENV }
      )
      if (appended.code !== 0) throw new Error(appended.all.slice(-2000))
    }
    // Then someone moves Production by hand with MLflow's Python client.
    seed(mlflow.uri, Object.values(models).map(name => ({ op: 'transition', name, version: '2', stage: 'Production', archive: true })))
  })

  it.each(NODE_VERSIONS)('%s: reports drift in outputs and summary; record-drift appends a drift-detected event and fails', async node => {
    const { remote, ws } = checkouts[node]!
    const model = models[node]!
    const report = await runDist(ACTION, { 'fail-on-drift': 'false', 'tracking-uri': mlflow.uri }, { node, workspace: ws, env: RUN_ENV })
    expect(report.stderr).toBe('')
    expect(report.code).toBe(0)
    expect(report.outputs['in-sync']).toBe('false')
    expect(JSON.parse(report.outputs.findings!)).toMatchObject([
      { model, kind: 'stage', target: 'Production', registry_version: '2', audited_version: '1', user_id: null, audit_seq: 1 }
    ])
    expect(report.summary).toContain('**Drift: 1 target(s) changed outside the audit trail.**')
    expect(report.summary).toMatch(new RegExp(`\\| \\*\\*DRIFT\\*\\* \\| ${model} \\| stage Production \\| 2 \\| 1 \\|`))

    const recorded = await runDist(ACTION, { 'record-drift': 'true', 'tracking-uri': mlflow.uri }, { node, workspace: ws, env: RUN_ENV })
    expect(recorded.code).toBe(1)
    const errors = recorded.commands.filter(c => c.command === 'error').map(c => c.message)
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^1 registry target\\(s\\) changed outside the audit trail: ${model} stage Production \\(registry 2, audited 1\\)`))])
    const onRemote = git(remote, ['show', 'main:AUDIT.log'])
    expect(recorded.outputs['commit-sha']).toBe(git(remote, ['rev-parse', 'main']).trim())
    const lines = onRemote.trimEnd().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({ seq: 2, event: 'drift-detected', outcome: 'failure', model, version: '2', previous_version: '1', to: 'stage:Production', actor: 'drift-cron' })
    expect(await verifyBytes(Buffer.from(onRemote))).toMatchObject({ valid: true, entries: 2 })

    // The record does not whitewash the change: the next check still finds it.
    git(ws, ['pull', '--quiet', '--ff-only', 'origin', 'main'])
    const again = await runDist(ACTION, { 'fail-on-drift': 'false', 'tracking-uri': mlflow.uri }, { node, workspace: ws, env: RUN_ENV })
    expect(again.outputs['in-sync']).toBe('false')
  })

  it("with a token, counts only entries GitHub's record backs: a push-triggered run's entry is left out and named", async () => {
    const node = NODE_VERSIONS[0]
    const { ws } = checkout(`github-${node}`)
    const model = uniqueName(`al-rc-gh-${node}`)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'reconcile-dist' },
      { op: 'register', name: model, run: 0 },
      { op: 'transition', name: model, version: '1', stage: 'Production' }
    ])
    const appended = await runDist(
      'audit-log',
      { event: 'promote', 'model-name': model, version: '1', from: 'None', to: 'Production', 'tracking-uri': mlflow.uri },
      { node, workspace: ws, env: RUN_ENV }
    )
    if (appended.code !== 0) throw new Error(appended.all.slice(-2000))
    const github = await startGithubFake()
    try {
      github.setRepository('acme/models', { defaultBranch: 'main' })
      // GitHub's record: run 6060 was a push of a file named like the caller, not a dispatch.
      github.setRun('acme/models', '6060', { path: '.github/workflows/promote.yml', actor: 'mallory', createdAt: new Date().toISOString(), event: 'push', displayTitle: `promote ${model} v1 to Production` })
      const env = { ...RUN_ENV, GITHUB_API_URL: github.uri }
      const judged = await runDist(ACTION, { 'fail-on-drift': 'false', token: 'ghs_drift_token', 'model-name': model, 'tracking-uri': mlflow.uri }, { node, workspace: ws, env })
      const warnings = judged.commands.filter(c => c.command === 'warning').map(c => c.message)
      expect(warnings.join('\n')).toMatch(/GitHub's record does not back it: run 6060 event: run 6060 was triggered by push, not workflow_dispatch/)
      expect(judged.summary).toMatch(/GitHub/)
      // Masked: the only place the token appears is the runner's own add-mask command.
      expect(judged.all.split('\n').filter(l => l.includes('ghs_drift_token'))).toEqual(['::add-mask::ghs_drift_token'])
      // Without the token the same line counts, and the summary says GitHub was not read.
      const blind = await runDist(ACTION, { 'fail-on-drift': 'false', 'model-name': model, 'tracking-uri': mlflow.uri }, { node, workspace: ws, env })
      expect(blind.code).toBe(0)
      expect(blind.outputs['in-sync']).toBe('true')
      expect(blind.summary).toMatch(/cannot be told from a genuine one|was not read/)
    } finally {
      await github.close()
    }
  })
})
