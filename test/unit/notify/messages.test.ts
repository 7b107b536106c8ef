import { describe, expect, it } from '@jest/globals'
import type { KnownBlock, SectionBlock } from '@slack/types'
import { MemoryLogger } from '../../../src/core/logger.js'
import { approvalRequestMessage } from '../../../src/notify/approval-request.js'
import { genericPayload } from '../../../src/notify/generic.js'
import { outcomeMessage, parseOutcomeEntry } from '../../../src/notify/outcome.js'
import { rolesToSign } from '../../../src/notify/roles.js'
import { escapeMrkdwn, SLACK_LIMITS, slackPayload } from '../../../src/notify/slack.js'
import { ADAPTIVE_CARD_CONTENT_TYPE, teamsPayload } from '../../../src/notify/teams.js'
import { effectivePolicy, findStage, parsePolicy } from '../../../src/policy/index.js'
import { buildLines, sampleFields } from '../../harness/audit-sample.js'
import { adaptiveCardProblems } from '../../harness/platform-checks.js'

const POLICY = `version: 1
stages:
  - name: Staging
    gates: [accuracy >= 0.8]
  - name: Production
    requires_approval: true
    sign_off:
      - role: data-science-lead
        environment: production-ds
        approvers: [alice]
      - role: mlops-engineer
        environment: production-ops
        approvers: ['@acme/mlops']
`
const policy = effectivePolicy(parsePolicy(POLICY, 'policy.yml', new MemoryLogger()), 'churn')

/** validate-metrics' report rows, in the shape of src/gate/report.ts reportJson. */
const GATE_REPORT = JSON.stringify([
  {
    metric: 'accuracy',
    check: 'threshold',
    rule: 'accuracy >= 0.8',
    observed: 0.95,
    champion: null,
    delta: null,
    verdict: 'pass',
    origin: 'policy'
  },
  {
    metric: 'accuracy',
    check: 'champion',
    rule: 'max regression 0.01',
    observed: 0.95,
    champion: 0.9,
    delta: 0.05,
    verdict: 'pass',
    origin: 'policy'
  },
  {
    metric: 'latency_ms',
    check: 'threshold',
    rule: 'latency_ms <= 50',
    observed: 61,
    champion: null,
    delta: null,
    verdict: 'fail',
    reason: 'too slow',
    origin: 'input'
  }
])
const LINEAGE_REPORT = JSON.stringify({
  verified: true,
  lockSha256: 'ab'.repeat(32),
  stages: [{ name: 'prepare' }, { name: 'train' }],
  crossStage: [],
  refused: [],
  missing: [],
  model: { path: 'model/model.bin', source: 'artifacts', stage: 'train', md5: 'cd'.repeat(16) },
  problems: []
})
const REVIEW = 'https://github.com/acme/models/actions/runs/4242'

function request(overrides: Partial<Parameters<typeof approvalRequestMessage>[0]> = {}) {
  return approvalRequestMessage({
    model: 'churn',
    version: '7',
    stage: 'Production',
    reason: 'beats the baseline',
    roles: rolesToSign(findStage(policy, 'Production')),
    gateReport: GATE_REPORT,
    lineageReport: LINEAGE_REPORT,
    reviewUrl: REVIEW,
    ...overrides
  })
}

const sectionText = (blocks: KnownBlock[]): string =>
  blocks
    .filter((b): b is SectionBlock => b.type === 'section')
    .flatMap(b => [b.text?.text ?? '', ...(b.fields ?? []).map(f => f.text)])
    .join('\n')

describe('the roles that must sign off', () => {
  it("are the stage's sign_off roles, with their environments and approvers", () => {
    expect(rolesToSign(findStage(policy, 'Production'))).toEqual([
      { role: 'data-science-lead', environment: 'production-ds', approvers: ['alice'] },
      { role: 'mlops-engineer', environment: 'production-ops', approvers: ['@acme/mlops'] }
    ])
  })
  it('are nobody for a stage that requires no approval, and the stage itself when it does without roles', () => {
    expect(rolesToSign(findStage(policy, 'Staging'))).toEqual([])
    const plain = effectivePolicy(
      parsePolicy(
        'version: 1\nstages:\n  - name: Production\n    requires_approval: true\n    approvers: [carol]\n',
        'p.yml',
        new MemoryLogger()
      ),
      'm'
    )
    expect(rolesToSign(findStage(plain, 'Production'))).toEqual([
      { role: 'Production', environment: 'production', approvers: ['carol'] }
    ])
  })
})

describe('the approval request in Slack Block Kit', () => {
  it('names the model, version, stage, each role, the verdicts with key metrics, the justification and the Review deployments link', () => {
    const { message, problems } = request()
    expect(problems).toEqual([])
    const payload = slackPayload(message)
    expect(payload.text).toBe('Approval requested: churn v7 → Production')
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: '⏳ Approval requested: churn v7 → Production',
        emoji: true
      }
    })
    const text = sectionText(payload.blocks)
    for (const expected of [
      '*Model*\nchurn',
      '*Version*\n7',
      '*Target stage*\nProduction',
      '*Justification*\nbeats the baseline',
      'data-science-lead: environment production-ds, approvers alice',
      'mlops-engineer: environment production-ops, approvers @acme/mlops',
      '*Metric gate: failed (1 of 3 checks)*',
      '❌ latency_ms = 61: latency_ms &lt;= 50',
      '✅ accuracy = 0.95: max regression 0.01, champion 0.9 (Δ 0.05)',
      '*DVC lineage: verified*',
      `dvc.lock sha256 ${'ab'.repeat(6)}`,
      'model model/model.bin'
    ])
      expect(text).toContain(expected)
    const actions = payload.blocks.find(b => b.type === 'actions')
    expect(actions).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Review deployments' },
          url: REVIEW,
          action_id: 'model-governance-link-0',
          style: 'primary'
        }
      ]
    })
  })

  it('escapes data so it can form no link, mention or markup', () => {
    const { message } = request({
      reason: '<!channel> see <https://evil.example|docs> & more',
      model: 'a<b>'
    })
    const payload = slackPayload(message)
    const all = JSON.stringify(payload.blocks)
    expect(all).toContain('&lt;!channel&gt; see &lt;https://evil.example|docs&gt; &amp; more')
    expect(all).not.toContain('<!channel>')
    expect(all).not.toContain('<https://evil')
    expect(payload.text).toBe('Approval requested: a&lt;b&gt; v7 → Production')
    expect(escapeMrkdwn('&<>')).toBe('&amp;&lt;&gt;')
  })

  it("keeps within Slack's block limits however long the data", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      metric: `m${i}`,
      check: 'threshold',
      rule: `m${i} >= 0`,
      observed: i,
      champion: null,
      delta: null,
      verdict: 'pass'
    }))
    const { message } = request({
      reason: 'x'.repeat(5000),
      model: 'm'.repeat(300),
      gateReport: JSON.stringify(rows)
    })
    const payload = slackPayload(message)
    const header = payload.blocks[0] as { text: { text: string } }
    expect([...header.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.headerText)
    for (const block of payload.blocks.filter((b): b is SectionBlock => b.type === 'section')) {
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields)
      for (const f of block.fields ?? [])
        expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText)
      expect((block.text?.text ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText)
    }
    expect(sectionText(payload.blocks)).toContain('… and 33 more')
  })

  it('says a report is unreadable instead of guessing, and reports the problem', () => {
    const { message, problems } = request({ gateReport: '{not json', lineageReport: '[1,2]' })
    expect(problems.map(p => p.about)).toEqual(['gate-report', 'lineage-report'])
    expect(problems[0]!.problem).toMatch(/^is not JSON/)
    expect(problems[1]!.problem).toMatch(/is not lineage-check's report/)
    expect(sectionText(slackPayload(message).blocks)).toContain('*Metric gate: report unreadable*')
  })
})

describe('the approval request as a Teams Adaptive Card', () => {
  it('is an attachment of contentType application/vnd.microsoft.card.adaptive that the adaptivecards parser accepts with no errors', () => {
    const payload = teamsPayload(request().message)
    expect(payload.type).toBe('message')
    expect(payload.attachments).toHaveLength(1)
    expect(payload.attachments[0].contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE)
    expect(ADAPTIVE_CARD_CONTENT_TYPE).toBe('application/vnd.microsoft.card.adaptive')
    const card = payload.attachments[0].content
    expect(adaptiveCardProblems(card)).toEqual([])
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Review deployments', url: REVIEW }
    ])
    const facts = card.body.flatMap(b => (b.type === 'FactSet' ? b.facts : []))
    expect(facts).toEqual(
      expect.arrayContaining([
        { title: 'Model', value: 'churn' },
        { title: 'Version', value: '7' },
        { title: 'Target stage', value: 'Production' }
      ])
    )
    const texts = card.body.flatMap(b => (b.type === 'TextBlock' ? [b.text] : []))
    // Hyphens and brackets never act as markdown here: they are sent as written.
    expect(texts).toContain('data-science-lead: environment production-ds, approvers alice')
    expect(texts).toContain('Metric gate: failed (1 of 3 checks)')
  })

  it('the parser check can fail: a card with a bad value and a missing url is reported', () => {
    const card = teamsPayload(request().message).attachments[0].content as unknown as Record<
      string,
      unknown
    >
    const broken = {
      ...card,
      body: [{ type: 'TextBlock', text: 'x', color: 'Purple' }],
      actions: [{ type: 'Action.OpenUrl', title: 'x' }]
    }
    expect(adaptiveCardProblems(broken)).toEqual([
      'Invalid value "Purple" for property "color".',
      'Property "url" must be set.'
    ])
  })

  it('escapes markdown in data, so a name cannot become a link', () => {
    const card = teamsPayload(request({ reason: '[click](https://evil.example) **now**' }).message)
      .attachments[0].content
    const facts = card.body.flatMap(b => (b.type === 'FactSet' ? b.facts : []))
    expect(facts).toContainEqual({
      title: 'Justification',
      // The link is split by U+200B (invisible), the bold marks escaped; the dot is left alone.
      value: '\u200b[click]\u200b(https://evil.example) \\*\\*now\\*\\*'
    })
    expect(adaptiveCardProblems(card)).toEqual([])
  })
})

describe('the outcome, from audit-log’s entry output', () => {
  const approvals = [
    {
      login: 'alice',
      state: 'approved',
      comment: 'ok',
      environments: ['production-ds'],
      role: 'data-science-lead'
    },
    {
      login: 'bob',
      state: 'approved',
      comment: '',
      environments: ['production-ops'],
      role: 'mlops-engineer'
    }
  ]
  const line = buildLines(1, i =>
    sampleFields(i, {
      event: 'promote',
      model: 'churn',
      version: '7',
      from: 'Staging',
      to: 'Production',
      previous_version: '6',
      approvals
    })
  )[0]!
  const commit = 'https://github.com/acme/models/commit/' + 'e'.repeat(40)

  it('names the event, who approved, what changed in the registry, and links the audit commit', () => {
    const parsed = parseOutcomeEntry(line)
    if (!parsed.ok) throw new Error(parsed.problem)
    const message = outcomeMessage(parsed.entry, commit)
    const payload = slackPayload(message)
    expect(payload.text).toBe('Promoted: churn v7 → Production')
    const text = sectionText(payload.blocks)
    expect(text).toContain('*Event*\npromote (success)')
    expect(text).toContain(
      '*Registry*\nv7 is now in Production (from Staging), replacing v6 (https://mlflow.example.com)'
    )
    expect(text).toContain('*Reviews: approved by alice, bob*')
    expect(text).toContain('✅ alice (data-science-lead) approved: "ok"')
    const actions = payload.blocks.find(b => b.type === 'actions') as {
      elements: { url: string; text: { text: string } }[]
    }
    expect(actions.elements.map(e => [e.text.text, e.url])).toEqual([
      ['Audit commit', commit],
      ['Workflow run', 'https://github.com/acme/models/actions/runs/1000/attempts/1']
    ])
    const card = teamsPayload(message).attachments[0].content
    expect(adaptiveCardProblems(card)).toEqual([])
    expect(card.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Audit commit', url: commit })
    expect(genericPayload(message)).toMatchObject({
      schema: 'model-governance/notification@1',
      event: 'outcome',
      status: 'success',
      data: {
        event: 'promote',
        approved_by: ['alice', 'bob'],
        audit_commit_url: commit,
        audit_seq: 1
      }
    })
  })

  it('says nothing changed for a rejection, and shows who rejected and why', () => {
    const rejected = buildLines(1, i =>
      sampleFields(i, {
        event: 'approval-rejected',
        outcome: 'failure',
        approvals: [
          {
            login: 'bob',
            state: 'rejected',
            comment: 'not during the freeze',
            environments: ['production-ops'],
            role: 'mlops-engineer'
          }
        ]
      })
    )[0]!
    const parsed = parseOutcomeEntry(rejected)
    if (!parsed.ok) throw new Error(parsed.problem)
    const message = outcomeMessage(parsed.entry)
    expect(message.status).toBe('failure')
    expect(message.title).toMatch(/^Approval rejected: /)
    const text = sectionText(slackPayload(message).blocks)
    expect(text).toContain('Nothing changed in the registry')
    expect(text).toContain('❌ bob (mlops-engineer) rejected: "not during the freeze"')
    expect(text).toContain('*Reviews: approved by nobody*')
  })

  it('refuses what is not an audit entry, saying what is wrong', () => {
    expect(parseOutcomeEntry('nope')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^is not JSON/)
    })
    expect(parseOutcomeEntry('[]')).toEqual({
      ok: false,
      problem: 'is not a JSON object (an AUDIT.log line)'
    })
    expect(parseOutcomeEntry('{"event":"party","outcome":"success","model":"m"}')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('has no known event')
    })
  })

  it('drops a run link that is not http(s)', () => {
    const parsed = parseOutcomeEntry(
      line.replace(/"run_url":"[^"]*"/, '"run_url":"javascript:alert(1)"')
    )
    if (!parsed.ok) throw new Error(parsed.problem)
    expect(outcomeMessage(parsed.entry).links).toEqual([])
  })
})
