import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, GENESIS_PREV, sha256Hex } from '../../src/audit/format.js'
import { verifyBytes } from '../../src/audit/verify.js'
import { NODE_VERSIONS, runDist, type NodeVersion } from '../harness/dist-runner.js'
import { startGitHubFake } from '../harness/graphql-fake.js'
import { buildLines, joinLines, sampleFields } from '../harness/audit-sample.js'
import { clone, git, makeRemote, rejectPushes, remoteFile, remoteHead, scratch } from '../integration/audit-log/fixtures.js'

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'alice',
  GITHUB_TRIGGERING_ACTOR: 'alice',
  GITHUB_WORKFLOW_REF: 'acme/models/.github/workflows/promote.yml@refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com'
}

const PROMOTE = {
  event: 'promote',
  'model-name': 'churn',
  version: '7',
  from: 'Staging',
  to: 'Production',
  'previous-version': '6',
  reason: 'quarterly retrain',
  lineage: '{"lock-sha256": "' + 'a'.repeat(64) + '", "model-md5": "' + 'b'.repeat(32) + '", "verified": "true"}',
  metrics: '{"auc": 0.93}',
  'backoff-ms': '50'
}

/** Everything printed except the ::add-mask:: commands that register the secrets. */
function unmasked(all: string): string {
  return all.replace(/^::add-mask::.*$/gm, '')
}

function workspaceWithRemote(prefix: string): { remote: string; ws: string } {
  const root = scratch(prefix)
  const remote = makeRemote(root)
  return { remote, ws: clone(remote, path.join(root, 'ws')) }
}

describe.each(NODE_VERSIONS)('audit-log bundle on %s', (node: NodeVersion) => {
  it('appends and pushes with git, then verify and render read the chain', async () => {
    const { remote, ws } = workspaceWithRemote(`dist-${node}`)
    const token = 'ghs_distsecret123'
    const first = await runDist('audit-log', { ...PROMOTE, 'tracking-uri': 'https://bot:pw-s3cret@mlflow.acme.dev/x?k=v' }, { node, workspace: ws, env: RUN_ENV })
    expect(first.code).toBe(0)
    expect(first.outputs).toMatchObject({ seq: '1', attempts: '1', 'commit-sha': remoteHead(remote, 'main') })
    const second = await runDist('audit-log', { ...PROMOTE, version: '8', token }, { node, workspace: ws, env: { ...RUN_ENV, GITHUB_API_URL: 'http://127.0.0.1:9' } })
    expect(second.code).toBe(0)
    expect(second.outputs.seq).toBe('2')
    // The approvals API was unreachable: the entry is still recorded, and the summary says why.
    expect(second.summary).toContain('approvals could not be read')
    expect(unmasked(second.all)).not.toContain(token)

    const onRemote = remoteFile(remote, 'main', 'AUDIT.log')
    expect(onRemote).toBe(`${first.outputs.entry}\n${second.outputs.entry}\n`)
    const entry = JSON.parse(first.outputs.entry!) as Record<string, unknown>
    expect(entry).toMatchObject({ seq: 1, registry: 'https://mlflow.acme.dev', actor: 'alice', lineage: { verified: true }, metrics: { auc: 0.93 } })
    expect(unmasked(first.all)).not.toContain('pw-s3cret')
    expect(git(remote, ['log', '-1', '--format=%an <%ae>|%s', 'main']).trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|Audit: promote churn v8 Staging→Production by alice (approved by none)'
    )
    // The checked-out branch was fast-forwarded, so verify reads the new file from the workspace.
    const verify = await runDist('audit-log', { mode: 'verify', 'expected-sha256': first.outputs.sha256 }, { node, workspace: ws })
    expect(verify.code).toBe(0)
    expect(verify.outputs).toMatchObject({ valid: 'true', entries: '2', 'head-sha256': second.outputs.sha256, 'first-bad-line': '' })
    const render = await runDist('audit-log', { mode: 'render', 'render-limit': '1' }, { node, workspace: ws })
    expect(render.code).toBe(0)
    expect(render.summary).toContain('| 2 |')
    expect(render.summary).not.toContain('| 1 |')
    expect(render.summary).toContain('chain valid, 2 entries')
    // The stage history as a mermaid gantt, replayed from the whole file (not only the newest 1).
    expect(render.summary).toMatch(/```mermaid\ngantt\n {4}title Holders of churn\n[\s\S]*section stage Production\n {4}v7 :s0, \d+, \d+\n {4}v8 now :s1, \d+, \d+\n[\s\S]*```/)
  })

  it('fails clearly when a pre-receive hook rejects the push, leaving the remote unchanged', async () => {
    const { remote, ws } = workspaceWithRemote(`hook-${node}`)
    rejectPushes(remote, 'audit pushes are frozen')
    const before = remoteHead(remote, 'main')
    const result = await runDist('audit-log', PROMOTE, { node, workspace: ws, env: RUN_ENV })
    expect(result.code).toBe(1)
    const error = result.commands.find(c => c.command === 'error')?.message ?? ''
    expect(error).toContain('The remote refused the audit commit on main (pre-receive hook declined)')
    expect(error).toContain('audit pushes are frozen')
    expect(remoteHead(remote, 'main')).toBe(before)
    // Not lost: the event is in the log and the summary.
    expect(result.stdout).toContain('Audit event: {')
    expect(result.summary).toContain('Not recorded in AUDIT.log')
  })

  it('verify names the tampered line and append refuses to extend the broken chain', async () => {
    const { remote, ws } = workspaceWithRemote(`tamper-${node}`)
    for (let i = 0; i < 3; i++) expect((await runDist('audit-log', PROMOTE, { node, workspace: ws, env: RUN_ENV })).code).toBe(0)
    const file = path.join(ws, 'AUDIT.log')
    writeFileSync(file, readFileSync(file, 'utf8').replace('quarterly retrain', 'quarterly retrainX'))
    git(ws, ['commit', '--quiet', '-am', 'edit the audit log'])
    git(ws, ['push', '--quiet', 'origin', 'main'])
    const verify = await runDist('audit-log', { mode: 'verify' }, { node, workspace: ws })
    expect(verify.code).toBe(1)
    expect(verify.outputs).toMatchObject({ valid: 'false', 'first-bad-line': '1', entries: '1' })
    expect(verify.commands.find(c => c.command === 'error')?.properties).toContain('line=1')
    const head = remoteHead(remote, 'main')
    const append = await runDist('audit-log', PROMOTE, { node, workspace: ws, env: RUN_ENV })
    expect(append.code).toBe(1)
    expect(append.stdout).toContain('Refusing to append: AUDIT.log')
    expect(append.stdout).toContain('broken chain at line 1')
    expect(remoteHead(remote, 'main')).toBe(head)
  })

  it('commits through GraphQL with approvals from the API, retrying on a head mismatch', async () => {
    const token = 'ghs_fake_token_abc'
    const fake = await startGitHubFake({ owner: 'acme', repo: 'models', token, branches: { audit: { 'README.md': 'x' } } })
    try {
      fake.rest.setEnvironment('acme/models', 'production', { reviewers: ['bob'], branchPolicy: 'protected' })
      fake.rest.setPendingDeployments('acme/models', '4242', ['production'])
      fake.rest.setApprovals('acme/models', '4242', [{ login: 'bob', state: 'approved', comment: 'lgtm' }])
      // Another run lands a valid first entry just before our first mutation.
      const foreign = formatLine(sampleFields(0, { reason: 'another run' }), 1, GENESIS_PREV)
      fake.beforeMutation = count => {
        if (count === 1) fake.commit('audit', { 'AUDIT.log': `${foreign}\n` })
      }
      const ws = scratch(`api-${node}`)
      const result = await runDist(
        'audit-log',
        { ...PROMOTE, token, 'commit-method': 'api', branch: 'audit' },
        { node, workspace: ws, env: { ...RUN_ENV, GITHUB_API_URL: fake.url } }
      )
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ seq: '2', attempts: '2', 'commit-sha': fake.head('audit') })
      const content = fake.file('audit', 'AUDIT.log')!
      expect(await verifyBytes(content)).toMatchObject({ valid: true, entries: 2, headSha256: result.outputs.sha256 })
      expect(JSON.parse(result.outputs.entry!)).toMatchObject({ approvals: [{ login: 'bob', state: 'approved', comment: 'lgtm', environments: ['production'] }] })
      expect(fake.commits.get(fake.head('audit')!)!.headline).toBe('Audit: promote churn v7 Staging→Production by alice (approved by bob)')
      expect(unmasked(result.all)).not.toContain(token)
    } finally {
      await fake.close()
    }
  })

  // Reconcile is its own action now (test/dist/reconcile.test.ts); audit-log refuses the mode.
  it('refuses mode reconcile, naming the modes it has', async () => {
    const result = await runDist('audit-log', { mode: 'reconcile' }, { node })
    expect(result.code).toBe(1)
    expect(result.commands.find(c => c.command === 'error')?.message).toBe("Input 'mode' is 'reconcile'; use one of: append, verify, render.")
  })

  it('reconcile without a tracking server names the input to set', async () => {
    const result = await runDist('reconcile', {}, { node })
    expect(result.code).toBe(1)
    expect(result.commands.find(c => c.command === 'error')?.message).toContain("Input 'tracking-uri' is not set and MLFLOW_TRACKING_URI is empty")
  })
})

/** mulberry32: a tiny seeded PRNG, so each concurrency run is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WRITERS = 20
const EVENTS = ['promote', 'rollback', 'gate-failed', 'lineage-failed', 'approval-rejected', 'error']

describe('20 bundled processes appending to one remote at once', () => {
  const report: string[] = []
  const seeds = [11, 22, 33, 44, 55]

  it.each(seeds.map((seed, i) => [seed, NODE_VERSIONS[i % NODE_VERSIONS.length]!] as const))(
    'seed %i on %s: exactly 20 new entries, seq continuous, chain valid, nothing lost or duplicated',
    async (seed, node) => {
      const random = prng(seed)
      const root = scratch(`race-${seed}`)
      const preexisting = Math.floor(random() * 3)
      const remote = makeRemote(root, preexisting > 0 ? { 'AUDIT.log': joinLines(buildLines(preexisting)) } : {})
      const workspaces = Array.from({ length: WRITERS }, (_, i) => clone(remote, path.join(root, `runner-${i}`)))
      const started = Date.now()
      const results = await Promise.all(
        workspaces.map(async (ws, i) => {
          await new Promise(resolve => setTimeout(resolve, Math.floor(random() * 300)))
          const event = EVENTS[Math.floor(random() * EVENTS.length)]!
          return runDist(
            'audit-log',
            { event, 'model-name': `m${i}`, version: String(i), reason: `seed ${seed} writer ${i}`, 'max-attempts': '40', 'backoff-ms': '300' },
            // Generous limits: on a loaded 2-core machine twenty processes can take minutes.
            { node, workspace: ws, timeoutMs: 300_000, env: { ...RUN_ENV, GITHUB_RUN_ID: `${seed}${String(i).padStart(3, '0')}` } }
          )
        })
      )
      const converged = Date.now() - started
      for (const r of results) {
        const errors = r.commands.filter(c => c.command === 'error').map(c => c.message)
        expect({ code: r.code, errors, stderr: r.stderr.slice(-500) }).toEqual({ code: 0, errors: [], stderr: '' })
      }
      const content = Buffer.from(remoteFile(remote, 'main', 'AUDIT.log'), 'utf8')
      const chain = await verifyBytes(content)
      expect(chain).toMatchObject({ valid: true, entries: preexisting + WRITERS })
      const lines = content.toString('utf8').trimEnd().split('\n')
      const written = lines.slice(preexisting)
      // Every process's own line is in the file exactly once, at the seq it reported.
      for (const r of results) {
        expect(written.filter(l => l === r.outputs.entry)).toHaveLength(1)
        expect(lines[Number(r.outputs.seq) - 1]).toBe(r.outputs.entry)
        expect(sha256Hex(r.outputs.entry!)).toBe(r.outputs.sha256)
      }
      const seqs = results.map(r => Number(r.outputs.seq)).sort((a, b) => a - b)
      expect(seqs).toEqual(Array.from({ length: WRITERS }, (_, i) => preexisting + i + 1))
      const attempts = results.map(r => Number(r.outputs.attempts))
      report.push(
        `seed ${seed} (${node}): converged in ${(converged / 1000).toFixed(1)} s; attempts min ${Math.min(...attempts)}, ` +
          `median ${[...attempts].sort((a, b) => a - b)[WRITERS / 2]}, max ${Math.max(...attempts)}, total ${attempts.reduce((a, b) => a + b, 0)}`
      )
      console.log(report.at(-1))
    },
    400_000
  )
})
