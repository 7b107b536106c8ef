import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist, type DistResult } from '../harness/dist-runner.js'
import { OUTPUT } from '../harness/paths.js'
import { adaptiveCardProblems, slackTypeProblems } from '../harness/platform-checks.js'
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.js'
import { clone, makeRemote, remoteHead, scratch } from '../integration/audit-log/fixtures.js'

/**
 * The notify bundle as the runner runs it, on Node 20 and 24, posting over real HTTP to the local
 * receiver that stands in for Slack, a Teams Workflows webhook and a generic JSON endpoint. The
 * outcome is built from the entry the real audit-log bundle appended.
 */
const RUN_ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'dana',
  GITHUB_TRIGGERING_ACTOR: 'dana',
  // Small backoff, so a test's waits are the server's Retry-After, not the policy's backoff.
  MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.02'
}
const REVIEW = 'https://github.com/acme/models/actions/runs/4242'
const POLICY = `version: 1
stages:
  - name: Staging
  - name: Production
    requires_approval: true
    sign_off:
      - role: data-science-lead
        environment: production-ds
        approvers: [alice]
      - role: mlops-engineer
        environment: production-ops
        approvers: [bob]
`
const GATE_REPORT = JSON.stringify([
  { metric: 'accuracy', check: 'threshold', rule: 'accuracy >= 0.8', observed: 0.95, champion: null, delta: null, verdict: 'pass', origin: 'policy' }
])
const LINEAGE_REPORT = JSON.stringify({ verified: true, level: 3, minLevel: 3, lockSha256: 'ab'.repeat(32), stages: [{ name: 'train' }], crossStage: [], refused: [], missing: [], problems: [] })

let receiver: WebhookReceiver
let workspace: string
let secret = 0

beforeAll(async () => {
  receiver = await startWebhookReceiver()
  mkdirSync(path.join(OUTPUT, 'notify-dist'), { recursive: true })
  workspace = mkdtempSync(path.join(OUTPUT, 'notify-dist', 'ws-'))
  mkdirSync(path.join(workspace, '.github'))
  writeFileSync(path.join(workspace, '.github', 'model-governance.yml'), POLICY)
})
afterAll(() => receiver.close())

/** Fresh webhook URLs per test, each with a secret token in its path as Slack's have. */
function urls() {
  const token = `T0${++secret}/B0${secret}/xoxb-secret-${secret}-${Math.random().toString(36).slice(2)}`
  return {
    slack: `${receiver.uri}/slack/services/${token}`,
    teams: `${receiver.uri}/teams/workflows/${token}?sig=sig-${secret}`,
    webhook: `${receiver.uri}/hook/${token}`,
    path: (url: string) => new URL(url).pathname
  }
}

function approval(u: ReturnType<typeof urls>, extra: Record<string, string> = {}) {
  return {
    event: 'approval-requested',
    'model-name': 'churn',
    version: '7',
    stage: 'Production',
    reason: 'beats the baseline <!channel>',
    'gate-report': GATE_REPORT,
    'lineage-report': LINEAGE_REPORT,
    'slack-webhook-url': u.slack,
    'teams-webhook-url': u.teams,
    'webhook-url': u.webhook,
    ...extra
  }
}

/** Everything printed except the ::add-mask:: lines (which the runner consumes, never shows). */
const unmasked = (res: DistResult): string => res.all.replace(/^::add-mask::.*$/gm, '')

function expectNoUrl(res: DistResult, u: ReturnType<typeof urls>): void {
  const text = unmasked(res)
  for (const url of [u.slack, u.teams, u.webhook]) {
    expect(text).not.toContain(url)
    expect(text).not.toContain(new URL(url).pathname)
  }
}

describe.each(NODE_VERSIONS)('dist/notify on %s', node => {
  it('posts the approval request to Slack (Block Kit), Teams (Adaptive Card) and the JSON webhook, with the run link, and never prints a URL', async () => {
    const u = urls()
    const res = await runDist('notify', approval(u), { node, env: RUN_ENV, workspace })
    expect({ code: res.code, warnings: res.commands.filter(c => c.command === 'warning') }).toEqual({ code: 0, warnings: [] })
    expect(res.outputs).toMatchObject({ sent: 'true', 'sent-to': 'slack,teams,webhook' })
    expect(res.summary).toContain('**notify:** Approval requested: churn v7 → Production: sent to Slack, Microsoft Teams, the webhook')

    const [slack] = receiver.to(u.path(u.slack))
    expect(slack).toMatchObject({ status: 200, contentType: 'application/json' })
    const blocks = JSON.stringify((slack!.body as { blocks: unknown[] }).blocks)
    for (const expected of [
      '*Model*\\nchurn',
      '*Version*\\n7',
      '*Target stage*\\nProduction',
      'beats the baseline &lt;!channel&gt;',
      'data-science-lead: environment production-ds, approvers alice',
      'mlops-engineer: environment production-ops, approvers bob',
      '*Metric gate: passed (1 check)*',
      '✅ accuracy = 0.95: accuracy &gt;= 0.8',
      '*DVC lineage: verified, level 3*',
      "Lineage level 3: the version's run was recorded at the lineage commit",
      "(the stage's minimum is level 3: met)",
      '*Lineage level*\\n3 of 4 (1 is the strongest)',
      `"url":"${REVIEW}"`
    ])
      expect(blocks).toContain(expected)
    expect(blocks).not.toContain('<!channel>')

    const [teams] = receiver.to(u.path(u.teams))
    expect(teams!.status).toBe(202)
    const attachment = (teams!.body as { attachments: { contentType: string; content: { actions: unknown[] } }[] }).attachments[0]!
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(adaptiveCardProblems(attachment.content)).toEqual([])
    expect(attachment.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Review deployments', url: REVIEW }])

    const [hook] = receiver.to(u.path(u.webhook))
    expect(hook!.body).toMatchObject({
      schema: 'model-governance/notification@1',
      event: 'approval-requested',
      data: { model: 'churn', version: '7', stage: 'Production', review_url: REVIEW, gate: { passed: true }, lineage: { passed: true } }
    })

    // Masked: the runner is told to hide each URL and its secret path, and nothing else prints one.
    const masks = res.commands.filter(c => c.command === 'add-mask').map(c => c.message)
    expect(masks).toEqual(expect.arrayContaining([u.slack, u.teams, u.webhook, u.path(u.slack)]))
    expectNoUrl(res, u)
    if (node === 'node20') expect(slackTypeProblems([slack!.body])).toEqual([])
  })

  it('retries a 429 and a 503, each after the Retry-After the receiver sent', async () => {
    const u = urls()
    receiver.script(u.path(u.slack), [{ status: 429, body: 'rate_limited', retryAfter: '1' }])
    receiver.script(u.path(u.teams), [{ status: 503, retryAfter: '1' }, { status: 502 }])
    const res = await runDist('notify', approval(u, { 'webhook-url': '' }), { node, env: RUN_ENV, workspace })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({ sent: 'true', 'sent-to': 'slack,teams' })
    const slack = receiver.to(u.path(u.slack))
    expect(slack.map(r => r.status)).toEqual([429, 200])
    expect(slack[1]!.at - slack[0]!.at).toBeGreaterThanOrEqual(950)
    const teams = receiver.to(u.path(u.teams))
    expect(teams.map(r => r.status)).toEqual([503, 502, 202])
    expect(teams[1]!.at - teams[0]!.at).toBeGreaterThanOrEqual(950)
    expect(res.stdout).toMatch(/Posted the approval request to Slack \(HTTP 200, 2 attempts\)/)
    expect(res.stdout).toMatch(/Posted the approval request to Microsoft Teams \(HTTP 202, 3 attempts\)/)
    expectNoUrl(res, u)
  })

  it('a 500 that outlasts the retries warns and does not fail the step; with fail-on-error it fails it', async () => {
    const env = { ...RUN_ENV, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' }
    const u = urls()
    receiver.script(u.path(u.slack), Array.from({ length: 4 }, () => ({ status: 500, body: `boom at ${u.slack}` })))
    const soft = await runDist('notify', approval(u, { 'teams-webhook-url': '', 'webhook-url': '' }), { node, env, workspace })
    expect(soft.code).toBe(0)
    expect(soft.outputs).toMatchObject({ sent: 'false', 'sent-to': '' })
    const warnings = soft.commands.filter(c => c.command === 'warning').map(c => c.message)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^Could not post the approval request to Slack \(HTTP 500 \(boom at \*\*\*\); gave up after 2 attempts\); the step goes on/)
    expect(receiver.to(u.path(u.slack))).toHaveLength(2)

    const hard = await runDist('notify', approval(u, { 'teams-webhook-url': '', 'webhook-url': '', 'fail-on-error': 'true' }), { node, env, workspace })
    expect(hard.code).toBe(1)
    const errors = hard.commands.filter(c => c.command === 'error').map(c => c.message)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Could not post the approval request to Slack \(HTTP 500/)
    expect(hard.outputs).toMatchObject({ sent: 'false' })
    expectNoUrl(soft, u)
    expectNoUrl(hard, u)
  })

  it('a bad input warns naming it, without quoting the URL; with fail-on-error it fails', async () => {
    const leaked = 'ftp://hooks.example/services/very-secret-path'
    const soft = await runDist('notify', { event: 'approval-requested', 'model-name': 'churn', version: '7', stage: 'Production', 'slack-webhook-url': leaked }, { node, env: RUN_ENV, workspace })
    expect(soft.code).toBe(0)
    expect(soft.commands.filter(c => c.command === 'warning').map(c => c.message)).toEqual([
      "Input 'slack-webhook-url' is not an https URL; give the webhook URL Slack showed when it was created (notify does not fail the step: fail-on-error is false)"
    ])
    expect(unmasked(soft)).not.toContain('very-secret-path')
    const u = urls()
    const hard = await runDist('notify', { event: 'outcome', entry: '{"event":"party"}', 'webhook-url': u.webhook, 'fail-on-error': 'true' }, { node, env: RUN_ENV, workspace })
    expect(hard.code).toBe(1)
    expect(hard.commands.filter(c => c.command === 'error').map(c => c.message)[0]).toMatch(/^Input 'entry' has no known event/)
    expect(receiver.to(u.path(u.webhook))).toHaveLength(0)
  })

  it("posts the outcome from the real audit-log bundle's entry: event, approvers, registry change, audit commit link", async () => {
    const root = scratch(`notify-${node}`)
    const remote = makeRemote(root)
    const ws = clone(remote, path.join(root, 'ws'))
    const audit = await runDist(
      'audit-log',
      { event: 'promote', 'model-name': 'churn', version: '7', from: 'Staging', to: 'Production', 'previous-version': '6', reason: 'beats the baseline', 'tracking-uri': 'https://mlflow.acme.dev', 'backoff-ms': '50' },
      { node, workspace: ws, env: RUN_ENV }
    )
    expect(audit.code).toBe(0)
    const sha = remoteHead(remote, 'main')
    expect(audit.outputs['commit-sha']).toBe(sha)
    const u = urls()
    const res = await runDist('notify', { event: 'outcome', entry: audit.outputs.entry, 'audit-commit': audit.outputs['commit-sha'], 'slack-webhook-url': u.slack, 'teams-webhook-url': u.teams }, { node, env: RUN_ENV, workspace: ws })
    expect(res.code).toBe(0)
    expect(res.outputs).toMatchObject({ sent: 'true', 'sent-to': 'slack,teams' })
    const commitUrl = `https://github.com/acme/models/commit/${sha}`
    const slack = receiver.to(u.path(u.slack))[0]!.body as { text: string; blocks: unknown[] }
    expect(slack.text).toBe('Promoted: churn v7 → Production')
    const blocks = JSON.stringify(slack.blocks)
    expect(blocks).toContain('*Event*\\npromote (success)')
    expect(blocks).toContain('*Registry*\\nv7 is now in Production (from Staging), replacing v6 (https://mlflow.acme.dev)')
    expect(blocks).toContain('*Reviews: none recorded*')
    expect(blocks).toContain(`"url":"${commitUrl}"`)
    const card = (receiver.to(u.path(u.teams))[0]!.body as { attachments: { content: { actions: { url: string }[] } }[] }).attachments[0]!.content
    expect(adaptiveCardProblems(card)).toEqual([])
    expect(card.actions[0]!.url).toBe(commitUrl)
    if (node === 'node20') expect(slackTypeProblems([slack])).toEqual([])
  })
})
