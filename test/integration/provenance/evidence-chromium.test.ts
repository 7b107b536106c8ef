import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { OUTPUT } from '../../harness/paths.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

const CHROMIUM = '/usr/bin/chromium'

function chromium(args: string[], profile: string): string {
  return execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...args
    ],
    { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] }
  )
}

/**
 * The HTML evidence pack against the real MLflow server (a run logged by MLflow's Python client),
 * opened in headless Chromium: its DOM holds the facts, it references nothing outside itself, and
 * a screenshot is kept in test-output/evidence/.
 */
describe('evidence pack in headless Chromium', () => {
  const { mlflow } = harness()
  const model = uniqueName('ev-chromium')
  const dir = path.join(OUTPUT, 'evidence')
  let ws: string
  let runId: string
  let html: string

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true })
    ws = mkdtempSync(path.join(dir, 'ws-'))
    mkdirSync(path.join(ws, '.git'))
    const [run] = seed(mlflow.uri, [
      {
        op: 'run',
        experiment: 'evidence-it',
        tags: { 'mlflow.user': 'trainer-ada', 'mlflow.source.git.commit': 'f'.repeat(40) }
      },
      { op: 'register', name: model, run: 0 },
      { op: 'register', name: model, run: 0 }
    ])
    runId = run!.run_id!
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    const log = chain([
      event(model, '1', 'Staging', {
        ts: '2026-11-20T06:00:00.000Z',
        gates: [
          { metric: 'auc', check: 'threshold', rule: 'auc >= 0.9', observed: 0.93, verdict: 'pass' }
        ],
        metrics: { auc: 0.93 }
      }),
      event(model, '1', 'Production', {
        ts: '2026-11-22T06:00:00.000Z',
        from: 'Staging',
        reason: hostile,
        approvals: [
          {
            login: 'risk-officer',
            state: 'approved',
            comment: 'ok',
            environments: ['production'],
            role: 'risk'
          }
        ]
      }),
      event(model, '2', 'Staging', { ts: '2026-11-23T06:00:00.000Z' }),
      event(model, '2', 'Production', { ts: '2026-11-25T06:00:00.000Z', from: 'Staging' }),
      event(model, '1', 'Production', {
        ts: '2026-11-27T06:00:00.000Z',
        event: 'rollback',
        lineage: { lock_sha256: '', model_md5: '', verified: null }
      })
    ])
    writeFileSync(path.join(ws, 'AUDIT.log'), log.text)
    const err: string[] = []
    const code = await runCli(
      [
        'evidence',
        model,
        '--version',
        '1',
        '--format',
        'html',
        '--out',
        'evidence.html',
        '--no-history'
      ],
      {
        env: { MLFLOW_TRACKING_URI: mlflow.uri },
        cwd: ws,
        stdout: { write: () => undefined },
        stderr: { write: t => void err.push(t) }
      }
    )
    expect({ code, err: err.join('') }).toMatchObject({ code: 0 })
    html = readFileSync(path.join(ws, 'evidence.html'), 'utf8')
  })

  afterAll(() => undefined)

  it('renders: the DOM holds the training run, approvals, gates and the timeline', () => {
    expect(existsSync(CHROMIUM)).toBe(true)
    const dom = chromium(
      ['--dump-dom', `file://${path.join(ws, 'evidence.html')}`],
      mkdtempSync(path.join(dir, 'profile-'))
    )
    expect(dom).toContain(runId)
    expect(dom).toContain('trainer-ada')
    expect(dom).toContain('risk-officer')
    expect(dom).toContain('auc &gt;= 0.9')
    expect(dom).toContain('Audit trail verified')
    expect(dom).toMatch(/<svg[^>]*>[\s\S]*stage Production[\s\S]*v1[\s\S]*<\/svg>/)
    // The hostile reason is text in the DOM, never an element.
    expect(dom).not.toMatch(/<img|<script/i)
    // Nothing to fetch: no element references anything (src, href, url()).
    expect(dom).not.toMatch(/<[a-z][^>]*\s(src|href|srcset|action)=|url\(/i)
    const shot = path.join(dir, `evidence-${model}.png`)
    chromium(
      [
        `--screenshot=${shot}`,
        '--window-size=1280,2000',
        `file://${path.join(ws, 'evidence.html')}`
      ],
      mkdtempSync(path.join(dir, 'profile-'))
    )
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG')
  })

  it('the rollback shows v1 lineage recorded by its own earlier promotion', () => {
    expect(html).toContain('b'.repeat(64))
    expect(html).toContain('c'.repeat(32))
  })
})
