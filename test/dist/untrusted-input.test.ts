import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { NODE_VERSIONS, runDist, type DistResult, type NodeVersion } from '../harness/dist-runner.js'
import { OUTPUT, ROOT } from '../harness/paths.js'
import { smallProject } from '../integration/lineage-check/small-project.js'
import { billionLaughs } from '../harness/bombs.js'

/**
 * The leak and exhaustion attacks of the untrusted-input issue, run through the bundles exactly
 * as the runner starts them. For each: the step fails with the refusal; the secret appears in
 * none of stdout, stderr, GITHUB_OUTPUT, the step summary (DistResult.all holds them all); and
 * the bundle's own process stays under 10 s and 200 MB peak RSS (measured inside that process
 * by test/dist/fixtures/report-rss.mjs).
 */
const SECRET = 'ghp_dist_untrusted_secret_6c21'
const RSS_HOOK = pathToFileURL(path.join(ROOT, 'test', 'dist', 'fixtures', 'report-rss.mjs')).href
const MAX_RSS_MB = 200
const MAX_SECONDS = 10

let project: string
let outside: string
let gateWorkspace: string
let pristine: Record<string, Buffer>
const measured: { node: NodeVersion; name: string; ms: number; rssMb: number }[] = []

beforeAll(() => {
  project = smallProject('dist-untrusted')
  outside = mkdtempSync(path.join(OUTPUT, 'lineage', 'dist-outside-'))
  writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ token: SECRET }))
  writeFileSync(path.join(outside, 'params.yaml'), `train:\n  epochs: 3\ntoken: ${SECRET}\n`)
  writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`)
  pristine = Object.fromEntries(
    ['dvc.yaml', 'dvc.lock', 'params.yaml'].map(f => [f, readFileSync(path.join(project, f))])
  )
  mkdirSync(path.join(OUTPUT, 'dist-workspaces'), { recursive: true })
  const top = mkdtempSync(path.join(OUTPUT, 'dist-workspaces', 'untrusted-'))
  gateWorkspace = path.join(top, 'repo')
  mkdirSync(path.join(top, 'outside'))
  mkdirSync(gateWorkspace)
  writeFileSync(
    path.join(top, 'outside', 'creds.json'),
    JSON.stringify({ aws_access_key: SECRET })
  )
})

afterAll(() => {
  rmSync(project, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
  rmSync(path.dirname(gateWorkspace), { recursive: true, force: true })
  const peak = Math.max(...measured.map(m => m.rssMb))
  console.log(
    `[untrusted-input] ${measured.length} bundle runs, peak RSS ${peak.toFixed(1)} MB, slowest ${Math.max(...measured.map(m => m.ms)).toFixed(0)} ms\n${measured.map(m => `  ${m.node} ${m.name}: ${m.rssMb.toFixed(1)} MB, ${m.ms.toFixed(0)} ms`).join('\n')}`
  )
})

function restore(): void {
  for (const [file, bytes] of Object.entries(pristine)) {
    rmSync(path.join(project, file), { force: true })
    writeFileSync(path.join(project, file), bytes)
  }
}

function addStage(yamlStage: string, lockStage = ''): void {
  const y = readFileSync(path.join(project, 'dvc.yaml'), 'utf8')
  writeFileSync(path.join(project, 'dvc.yaml'), y.replace('stages:\n', `stages:\n${yamlStage}`))
  const l = readFileSync(path.join(project, 'dvc.lock'), 'utf8')
  writeFileSync(path.join(project, 'dvc.lock'), l.replace('stages:\n', `stages:\n${lockStage}`))
}

/** Runs a bundle with its peak RSS recorded, and checks the three things every case must show. */
async function attack(
  node: NodeVersion,
  name: string,
  action: 'lineage-check' | 'validate-metrics',
  inputs: Record<string, string>,
  workspace: string,
  refusal: RegExp
): Promise<DistResult> {
  mkdirSync(path.join(OUTPUT, 'dist-runs'), { recursive: true })
  const rssFile = path.join(mkdtempSync(path.join(OUTPUT, 'dist-runs', 'rss-')), 'rss')
  const started = performance.now()
  const result = await runDist(action, inputs, {
    node,
    workspace,
    timeoutMs: 60_000,
    env: { NODE_OPTIONS: `--import ${RSS_HOOK}`, RSS_REPORT_FILE: rssFile }
  })
  const ms = performance.now() - started
  expect(existsSync(rssFile)).toBe(true)
  const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024
  measured.push({ node, name, ms, rssMb })
  // 1. refused: the step fails, and says why in an error annotation.
  expect(result.code).toBe(1)
  expect(result.commands.filter(c => c.command === 'error').map(c => c.message).join('\n')).toMatch(
    refusal
  )
  // 2. no leak: stdout, stderr, GITHUB_OUTPUT, the step summary, state and env files.
  expect(result.all).not.toContain(SECRET)
  // 3. bounded.
  expect(ms).toBeLessThan(MAX_SECONDS * 1000)
  expect(rssMb).toBeGreaterThan(10) // the hook measured a real process
  expect(rssMb).toBeLessThan(MAX_RSS_MB)
  return result
}

describe.each(NODE_VERSIONS)('untrusted input through the bundles on %s', node => {
  const lineage = (name: string, refusal: RegExp): Promise<DistResult> =>
    attack(node, name, 'lineage-check', { 'require-clean-git': 'false' }, project, refusal)

  it('lineage-check: a vars file outside the project', async () => {
    try {
      const y = readFileSync(path.join(project, 'dvc.yaml'), 'utf8')
      writeFileSync(
        path.join(project, 'dvc.yaml'),
        `vars:\n  - ${path.relative(project, path.join(outside, 'secret.json'))}\n${y}`
      )
      addStage('  leak:\n    cmd: echo ${token}\n', '  leak:\n    cmd: echo old\n')
      await lineage('vars outside', /vars file \.\.\/dist-outside-\w+\/secret\.json contains '\.\.'/)
    } finally {
      restore()
    }
  })

  it('lineage-check: params.yaml symlinked outside', async () => {
    try {
      unlinkSync(path.join(project, 'params.yaml'))
      symlinkSync(path.join(outside, 'params.yaml'), path.join(project, 'params.yaml'))
      await lineage('params.yaml symlink', /params\.yaml resolves through a symlink to outside/)
    } finally {
      restore()
    }
  })

  it('lineage-check: a symlink inside a tracked folder fails the check', async () => {
    const link = path.join(project, 'model', 'leak.txt')
    try {
      symlinkSync(path.join(outside, 'secret.txt'), link)
      const result = await lineage('symlink in tracked folder', /out model is refused/)
      expect(result.outputs.verified).toBe('false')
      const report = JSON.parse(result.outputs.report!) as { refused: unknown[] }
      expect(report.refused).toEqual([
        { path: 'model/leak.txt', reason: 'resolves through a symlink to outside the project' }
      ])
    } finally {
      rmSync(link, { force: true })
    }
  })

  it('lineage-check: an alias bomb in params.yaml', async () => {
    try {
      writeFileSync(path.join(project, 'params.yaml'), `train:\n  epochs: 3\n${billionLaughs()}`)
      const result = await lineage('params.yaml alias bomb', /params\.yaml:9: aliases expand/)
      expect(result.commands.find(c => c.command === 'error')?.properties).toContain(
        'file=params.yaml'
      )
    } finally {
      restore()
    }
  })

  it('lineage-check: a dvc.lock alias bomb', async () => {
    try {
      const lock = readFileSync(path.join(project, 'dvc.lock'), 'utf8')
      writeFileSync(
        path.join(project, 'dvc.lock'),
        `${lock}extra:\n${billionLaughs(9, 'l').replace(/^/gm, '  ')}`
      )
      await lineage('dvc.lock alias bomb', /dvc\.lock:\d+: aliases expand/)
    } finally {
      restore()
    }
  })

  it('lineage-check: a FIFO named as a dependency', async () => {
    try {
      expect(spawnSync('mkfifo', [path.join(project, 'pipe')]).status).toBe(0)
      addStage(
        '  evil:\n    cmd: cat pipe\n    deps: [pipe]\n',
        '  evil:\n    cmd: cat pipe\n    deps:\n    - path: pipe\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n'
      )
      await lineage('FIFO dependency', /dep pipe is refused .*is a FIFO/)
    } finally {
      rmSync(path.join(project, 'pipe'), { force: true })
      restore()
    }
  })

  it('lineage-check: an md5 in dvc.lock that probes for files', async () => {
    try {
      const lock = readFileSync(path.join(project, 'dvc.lock'), 'utf8')
      writeFileSync(
        path.join(project, 'dvc.lock'),
        lock.replace(
          /(path: model\n\s+hash: md5\n\s+md5: )[0-9a-f]{32}\.dir/,
          `$1../../../../${path.relative('/', outside)}/secret.txt`
        )
      )
      await lineage('md5 probe', /which is not 32 hex digits/)
    } finally {
      restore()
    }
  })

  it('validate-metrics: dvc.yaml metrics outside the workspace', async () => {
    writeFileSync(path.join(gateWorkspace, 'dvc.yaml'), 'metrics:\n  - ../outside/creds.json\n')
    await attack(
      node,
      'dvc-metrics outside',
      'validate-metrics',
      { 'dvc-metrics': 'true', thresholds: 'acc >= 0.9' },
      gateWorkspace,
      /Metrics file \.\.\/outside\/creds\.json .*contains '\.\.' leading outside/
    )
  })

  it('validate-metrics: an alias bomb in a metrics file', async () => {
    writeFileSync(path.join(gateWorkspace, 'metrics.yaml'), `acc: 0.95\n${billionLaughs()}`)
    await attack(
      node,
      'metrics alias bomb',
      'validate-metrics',
      { 'metrics-files': 'metrics.yaml', thresholds: 'acc >= 0.9' },
      gateWorkspace,
      /metrics\.yaml:8: aliases expand/
    )
  })
})
