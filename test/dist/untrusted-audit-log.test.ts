import { afterAll, describe, expect, it } from '@jest/globals'
import { symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { verifyBytes } from '../../src/audit/verify.js'
import { NODE_VERSIONS, runDist, type DistResult, type NodeVersion } from '../harness/dist-runner.js'
import { clone, git, makeRemote, remoteFile, remoteHead, scratch } from '../integration/audit-log/fixtures.js'

/**
 * Untrusted input through the audit-log bundle, run as the Actions runner runs it, against a
 * real git repository and bare remote: what a workflow passes (unexpanded expressions, injected
 * workflow commands, broken JSON, a path with a line break) and what the workspace holds (a
 * symlinked AUDIT.log). Each case asserts the refusal or the invalid marking, that no secret
 * and no injected command reaches the output, and that it finishes in seconds.
 */
const TOKEN = 'ghs_untrusted_secret_123'
const URI_PASSWORD = 'pw-untrusted-s3cret'
const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'alice',
  GITHUB_SERVER_URL: 'https://github.com',
  // Unreachable: approvals cannot be read, which must not lose the event either.
  GITHUB_API_URL: 'http://127.0.0.1:9'
}
const INJECTION = '2\n::error title=Approved::Approved by the release manager\n::stop-commands::zzz'
const UNEXPANDED = '${{ steps.promote.outputs.version }}'
const SECRETS = [TOKEN, URI_PASSWORD]

const BASE = {
  event: 'promote',
  'model-name': 'churn',
  version: '7',
  from: 'Staging',
  to: 'Production',
  'previous-version': '6',
  reason: 'quarterly retrain',
  token: TOKEN,
  'tracking-uri': `https://bot:${URI_PASSWORD}@mlflow.acme.dev`,
  'backoff-ms': '50'
}

/** Lines the runner would take as workflow commands (leading white space trimmed, as it does). */
function commandLines(stdout: string): string[] {
  return stdout.split(/\r|\n/).filter(line => line.trimStart().startsWith('::'))
}

/** The shared checks: nothing but our own commands, no secret anywhere, done in seconds. */
function expectSafe(result: DistResult, ms: number): void {
  for (const line of commandLines(result.stdout)) expect(line).toMatch(/^::(add-mask|warning|error|debug|notice)[ :]/)
  expect(result.stdout).not.toMatch(/^\s*::stop-commands/m)
  expect(result.stdout).not.toMatch(/^\s*::error title=Approved/m)
  const unmasked = result.all.replace(/^::add-mask::.*$/gm, '')
  for (const secret of SECRETS) expect(unmasked).not.toContain(secret)
  expect(ms).toBeLessThan(60_000)
}

const peaks: number[] = []

/** Runs the bundle under /usr/bin/time: each case must finish in seconds and under 200 MB RSS. */
async function timedRun(inputs: Record<string, string>, options: Parameters<typeof runDist>[2]): Promise<{ result: DistResult; ms: number }> {
  const started = Date.now()
  const result = await runDist('audit-log', inputs, { ...options, measureRss: true })
  expect(result.maxRssKb).toBeGreaterThan(0)
  expect(result.maxRssKb).toBeLessThan(200 * 1024)
  peaks.push(result.maxRssKb!)
  return { result, ms: Date.now() - started }
}

afterAll(() => {
  process.stderr.write(`audit-log bundle: ${peaks.length} measured runs, peak RSS ${Math.round(Math.max(...peaks) / 1024)} MiB\n`)
})

function workspace(prefix: string): { remote: string; ws: string } {
  const root = scratch(prefix)
  const remote = makeRemote(root)
  return { remote, ws: clone(remote, path.join(root, 'ws')) }
}

describe.each(NODE_VERSIONS)('audit-log bundle with untrusted input on %s', (node: NodeVersion) => {
  it('records an unexpanded version, an injected previous-version, a bad lineage and a bad stage as invalid, with warnings', async () => {
    const { remote, ws } = workspace(`untrusted-fields-${node}`)
    const { result, ms } = await timedRun(
      { ...BASE, version: UNEXPANDED, 'previous-version': INJECTION, lineage: '{"lock-sha256": "abc", verified: tru', to: 'Production\n::warning::x' },
      { node, workspace: ws, env: RUN_ENV }
    )
    expect(result.code).toBe(0)
    expectSafe(result, ms)
    const entry = JSON.parse(result.outputs.entry!) as Record<string, unknown>
    expect(entry).toMatchObject({ event: 'promote', model: 'churn', version: '', previous_version: '', to: '', from: 'Staging', lineage: { lock_sha256: '', verified: null } })
    expect((entry.invalid as { field: string }[]).map(i => i.field)).toEqual(['version', 'to', 'previous_version', 'lineage'])
    // One warning per input, each naming it.
    const warnings = result.commands.filter(c => c.command === 'warning').map(c => c.message)
    for (const input of ['version', 'to', 'previous-version', 'lineage']) expect(warnings.some(w => w.startsWith(`Input '${input}'`))).toBe(true)
    // The rejected text is nowhere in the log, the commit or the summary's table.
    const log = remoteFile(remote, 'main', 'AUDIT.log')
    expect(log).not.toContain('${{')
    expect(log).not.toContain('stop-commands')
    expect(git(remote, ['log', '-1', '--format=%B', 'main'])).not.toContain('${{')
    expect(result.summary).toContain('Recorded with invalid fields')
    // The log stays a valid v1 chain, and verify reads it.
    expect(await verifyBytes(Buffer.from(log))).toMatchObject({ valid: true, entries: 1 })
    const verify = await runDist('audit-log', { mode: 'verify' }, { node, workspace: ws })
    expect(verify.outputs.valid).toBe('true')
  })

  it('still records the event when event and outcome are not what the action knows, as a failed error', async () => {
    const { ws } = workspace(`untrusted-event-${node}`)
    const { result, ms } = await timedRun({ ...BASE, event: 'deploy\n::stop-commands::zzz', outcome: 'ok' }, { node, workspace: ws, env: RUN_ENV })
    expect(result.code).toBe(0)
    expectSafe(result, ms)
    expect(JSON.parse(result.outputs.entry!)).toMatchObject({ event: 'error', outcome: 'failure', invalid: [{ field: 'event' }, { field: 'outcome' }] })
  })

  it("refuses a 'file' with a line break (fast-import injection) and changes nothing", async () => {
    const { remote, ws } = workspace(`untrusted-file-${node}`)
    const before = remoteHead(remote, 'main')
    const { result, ms } = await timedRun({ ...BASE, file: 'AUDIT.log"\nM 100644 inline evil.txt\ndata 4\nevil' }, { node, workspace: ws, env: RUN_ENV })
    expect(result.code).toBe(1)
    expectSafe(result, ms)
    expect(result.commands.find(c => c.command === 'error')?.message).toContain("Input 'file' contains a line break")
    expect(remoteHead(remote, 'main')).toBe(before)
    expect(git(remote, ['ls-tree', '--name-only', 'main'])).not.toContain('evil')
    // Not lost: the event is printed before the path is checked, and the summary keeps it.
    expect(result.stdout).toContain('Audit event: {"ts":')
    expect(result.summary).toContain('Not recorded in the audit log')
  })

  it("refuses '..' and absolute paths for 'file'", async () => {
    const { ws } = workspace(`untrusted-dotdot-${node}`)
    for (const file of ['../AUDIT.log', '/etc/passwd', 'audit/../../x.log']) {
      const { result, ms } = await timedRun({ ...BASE, file }, { node, workspace: ws, env: RUN_ENV })
      expect(result.code).toBe(1)
      expectSafe(result, ms)
      expect(result.commands.find(c => c.command === 'error')?.message).toContain("Input 'file'")
    }
  })

  it('verify and render refuse a symlinked AUDIT.log without reading its target', async () => {
    const { ws } = workspace(`untrusted-link-${node}`)
    const target = path.join(path.dirname(ws), 'outside.txt')
    writeFileSync(target, `{"not an audit log": "${TOKEN}"}\nroot:x:0:0:${URI_PASSWORD}\n`)
    symlinkSync(target, path.join(ws, 'AUDIT.log'))
    for (const mode of ['verify', 'render']) {
      const { result, ms } = await timedRun({ mode }, { node, workspace: ws })
      expect(result.code).toBe(1)
      expectSafe(result, ms)
      expect(result.commands.find(c => c.command === 'error')?.message).toContain("Input 'file' names 'AUDIT.log', which is a symbolic link")
      expect(result.all).not.toContain('not an audit log')
      expect(result.all).not.toContain('root:x')
    }
  })

  it('render escapes HTML and markdown from the log in the summary', async () => {
    const { ws } = workspace(`untrusted-render-${node}`)
    const evil = '<img src=x onerror=alert(1)> [Approved](https://evil.example) ![p](https://evil.example/p.png)'
    const append = await runDist('audit-log', { ...BASE, 'model-name': `churn${evil}`, reason: evil }, { node, workspace: ws, env: RUN_ENV })
    expect(append.code).toBe(0)
    // The raw line is shown too, inside a fenced code block, where nothing renders.
    const rendered = append.summary.replace(/^(`{3,})json\n[\s\S]*?\n\1$/gm, '')
    expect(append.summary).toContain('```json\n{"v":1')
    expect(rendered).not.toContain('<img')
    expect(rendered).not.toMatch(/(?<!\\)\[Approved(?<!\\)\]\(/)
    const { result, ms } = await timedRun({ mode: 'render' }, { node, workspace: ws })
    expect(result.code).toBe(0)
    expectSafe(result, ms)
    expect(result.summary).toContain('&lt;img src=x onerror=alert(1)>')
    expect(result.summary).toContain('\\[Approved\\](https://evil.example)')
    expect(result.summary).not.toContain('<img')
  })
})
