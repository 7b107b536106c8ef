import { describe, expect, it } from '@jest/globals'
import { inputs } from '../../../actions/notify/inputs.js'
import { renderError } from '../../../src/core/errors.js'
import { actionFieldName } from '../../../src/core/run.js'

const parse = (given: Record<string, string>) => inputs.parse(name => given[name])
const problems = (given: Record<string, string>) =>
  parse(given).problems.map(p => renderError(p, actionFieldName))

/**
 * notify's rules between inputs never throw (a notification never fails a promotion by
 * default): each broken rule is collected for main, which warns, or fails with fail-on-error.
 */
describe('notify inputs, refined', () => {
  it('yields an approval request with its destinations when model, version and stage are set', () => {
    const values = parse({
      event: 'approval-requested',
      'model-name': 'churn',
      version: '7',
      stage: 'Production',
      'slack-webhook-url': 'https://hooks.slack.com/services/T/B/x',
      'webhook-url': 'http://127.0.0.1:8080/hook'
    })
    expect(values.problems).toEqual([])
    expect(values.announcement).toMatchObject({
      kind: 'approval-requested',
      model: 'churn',
      version: '7',
      stage: 'Production',
      reason: ''
    })
    expect(values.destinations.map(d => d.target)).toEqual(['slack', 'webhook'])
    expect(inputs.secrets.sort()).toEqual(['slack-webhook-url', 'teams-webhook-url', 'webhook-url'])
  })

  it('collects each broken rule, naming the input and never quoting a URL', () => {
    const found = problems({
      event: 'approval-requested',
      'model-name': 'churn',
      'slack-webhook-url': 'http://hooks.example/secret-path',
      'teams-webhook-url': 'https://user:pw@teams.example/x'
    })
    expect(found).toEqual([
      "Input 'slack-webhook-url' is not an https URL; give the webhook URL Slack showed when it was created",
      "Input 'teams-webhook-url' carries a user name or password; give the webhook URL Microsoft Teams showed when it was created",
      "Input 'version' is empty; an approval request names the model, the version and the target stage",
      "Input 'stage' is empty; an approval request names the model, the version and the target stage"
    ])
    expect(found.join('\n')).not.toMatch(/secret-path|pw@/)
    expect(problems({ event: 'outcome' })).toEqual([
      'No webhook URL is set; give slack-webhook-url, teams-webhook-url or webhook-url (from a secret)',
      "Input 'entry' is empty; with event outcome, pass audit-log's entry output"
    ])
  })

  it('still refuses a wrong event outright (checked before any rule)', () => {
    expect(() => parse({ event: 'party' })).toThrow(
      "'event' is 'party'; use one of: approval-requested, outcome."
    )
  })
})
