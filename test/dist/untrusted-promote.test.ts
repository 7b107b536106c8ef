import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, GENESIS_PREV } from '../../src/audit/format.js'
import { NODE_VERSIONS, runDist, type NodeVersion } from '../harness/dist-runner.js'
import { OUTPUT } from '../harness/paths.js'
import { dumpModel, seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'
import { sampleFields } from '../harness/audit-sample.js'

/**
 * The injection found in the review, end to end: a previous_version that carries workflow
 * commands, read by promote-model's rollback from AUDIT.log or from an MLflow tag on the real
 * server. The Gate refuses it (a version to restore must be a version number; from AUDIT.log,
 * without a token, any line: GitHub's record must back it first), and the refusal quotes it as text: no `::error title=Approved` annotation, no `::stop-commands` that would hide
 * the action's own error, which must still be reported. Nothing changes in the registry.
 */
const INJECTION = '2\n::error title=Approved::Approved by the release manager\n::stop-commands::zzz'

interface Dumped {
  versions: { version: string; stage: string }[]
}

describe.each(NODE_VERSIONS)('promote-model rollback with an injected previous version on %s', (node: NodeVersion) => {
  const { mlflow } = harness()

  it.each(['audit log', 'tag'])('from the %s: printed as text, the real error still reported, nothing changed', async source => {
    const model = uniqueName(`untrusted-${source === 'tag' ? 't' : 'a'}-${node}`)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'untrusted-input' },
      { op: 'register', name: model, run: 0 },
      { op: 'register', name: model, run: 0 },
      { op: 'register', name: model, run: 0 },
      { op: 'transition', name: model, version: '3', stage: 'Production' },
      ...(source === 'tag' ? [{ op: 'version_tag', name: model, version: '3', key: 'model_governance.previous.stage.Production', value: INJECTION }] : [])
    ])
    mkdirSync(path.join(OUTPUT, 'untrusted-promote'), { recursive: true })
    const workspace = mkdtempSync(path.join(OUTPUT, 'untrusted-promote', 'ws-'))
    if (source === 'audit log') {
      const line = formatLine(sampleFields(0, { model, version: '3', to: 'Production', previous_version: INJECTION }), 1, GENESIS_PREV)
      writeFileSync(path.join(workspace, 'AUDIT.log'), `${line}\n`)
    }
    const started = Date.now()
    const res = await runDist('promote-model', { 'model-name': model, stage: 'Production', rollback: 'true', 'tracking-uri': mlflow.uri }, { node, workspace, measureRss: true })
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(res.maxRssKb).toBeLessThan(200 * 1024)
    process.stderr.write(`promote-model bundle (${node}, ${source}): peak RSS ${Math.round(res.maxRssKb! / 1024)} MiB\n`)
    expect(res.code).toBe(1)
    if (source === 'tag') {
      // Refused, and quoted as text.
      expect(res.stdout).toMatch(/(is|as) "2\\n::error title=Approved::Approved by the release manager\\n::stop-commands::zzz", which is not a version number/)
    } else {
      // Without a token GitHub's record cannot back the line, so it never steers the rollback:
      // refused before its previous_version is read (the quoting is in test/unit/promotion).
      expect(res.stdout).toMatch(/GitHub's record of the runs was not read .*give promote-model a github-token/)
      expect(res.all).not.toContain('Approved by the release manager')
    }
    const commands = res.stdout.split(/\r|\n/).filter(l => l.trimStart().startsWith('::'))
    expect(commands.some(l => /^\s*::stop-commands/.test(l))).toBe(false)
    expect(commands.some(l => l.startsWith('::error title='))).toBe(false)
    // The action's own error is a real annotation, one line, carrying the data escaped.
    const errors = res.commands.filter(c => c.command === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).not.toMatch(/[\r\n]/)
    const dumped = dumpModel(mlflow.uri, model) as Dumped
    expect(dumped.versions.find(v => v.version === '3')?.stage).toBe('Production')
  })

  it('refuses a symlinked AUDIT.log for rollback without reading its target', async () => {
    const model = uniqueName(`untrusted-l-${node}`)
    seed(mlflow.uri, [
      { op: 'run', experiment: 'untrusted-input' },
      { op: 'register', name: model, run: 0 },
      { op: 'transition', name: model, version: '1', stage: 'Production' }
    ])
    mkdirSync(path.join(OUTPUT, 'untrusted-promote'), { recursive: true })
    const workspace = mkdtempSync(path.join(OUTPUT, 'untrusted-promote', 'ws-'))
    const target = path.join(path.dirname(workspace), `outside-${node}.txt`)
    writeFileSync(target, 'root:x:0:0:OUTSIDE-SECRET\n')
    symlinkSync(target, path.join(workspace, 'AUDIT.log'))
    const res = await runDist('promote-model', { 'model-name': model, stage: 'Production', rollback: 'true', 'tracking-uri': mlflow.uri }, { node, workspace })
    expect(res.code).toBe(1)
    expect(res.commands.find(c => c.command === 'error')?.message).toContain("Input 'audit-file' (AUDIT.log) is a symbolic link")
    expect(res.all).not.toContain('OUTSIDE-SECRET')
    expect((dumpModel(mlflow.uri, model) as Dumped).versions[0]?.stage).toBe('Production')
  })
})
