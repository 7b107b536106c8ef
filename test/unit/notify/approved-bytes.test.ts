import { describe, expect, it } from '@jest/globals'
import type { KnownBlock, SectionBlock } from '@slack/types'
import { createHash } from 'node:crypto'
import { approvalRequestMessage } from '../../../src/notify/approval-request.js'
import { genericPayload } from '../../../src/notify/generic.js'
import { slackPayload } from '../../../src/notify/slack.js'
import { teamsPayload } from '../../../src/notify/teams.js'
import { adaptiveCardProblems } from '../../harness/platform-checks.js'

const sha = (text: string): string => createHash('sha256').update(text).digest('hex')
const MANIFEST = `${sha('flavors')}  MLmodel\n${sha('weights')}  model.pkl\n`
const DIGEST = `sha256:${sha(MANIFEST)}`
const ARTIFACT = JSON.stringify({
  digest: DIGEST,
  files: 2,
  uri: 'mlflow-artifacts:/1/models/m-abc/artifacts'
})

function request(overrides: Partial<Parameters<typeof approvalRequestMessage>[0]> = {}) {
  return approvalRequestMessage({
    model: 'churn',
    version: '7',
    stage: 'Production',
    reason: 'beats the baseline',
    roles: [],
    reviewUrl: 'https://github.com/acme/models/actions/runs/4242',
    artifact: { artifact: ARTIFACT, manifest: MANIFEST },
    ...overrides
  })
}

const slackText = (blocks: KnownBlock[]): string =>
  blocks
    .filter((b): b is SectionBlock => b.type === 'section')
    .flatMap(b => [b.text?.text ?? '', ...(b.fields ?? []).map(f => f.text)])
    .join('\n')

describe('the approval request shows the approved bytes', () => {
  it('in Slack: the digest, the file count, where they were read and each file’s sha256', () => {
    const { message, problems } = request()
    expect(problems).toEqual([])
    const text = slackText(slackPayload(message).blocks)
    expect(text).toContain(`*Artifact digest*\n${DIGEST}`)
    expect(text).toContain('2 file(s), read from mlflow-artifacts:/1/models/m-abc/artifacts')
    expect(text).toContain(`• MLmodel: sha256 ${sha('flavors')}`)
    expect(text).toContain(`• model.pkl: sha256 ${sha('weights')}`)
  })

  it('in Teams: the same, in a card that passes the Adaptive Cards parser', () => {
    const card = teamsPayload(request().message).attachments[0].content
    expect(adaptiveCardProblems(card)).toEqual([])
    const texts = JSON.stringify(card.body)
    expect(texts).toContain(DIGEST)
    expect(texts).toContain(sha('weights'))
  })

  it('in the generic JSON: under data.artifact, with the manifest', () => {
    const payload = genericPayload(request().message)
    expect(payload.data.artifact).toEqual({
      digest: DIGEST,
      files: 2,
      uri: 'mlflow-artifacts:/1/models/m-abc/artifacts',
      manifest: [
        { path: 'MLmodel', sha256: sha('flavors') },
        { path: 'model.pkl', sha256: sha('weights') }
      ]
    })
  })

  it('never lists files from a manifest that does not hash to the digest', () => {
    const forged = MANIFEST.replace('model.pkl', 'evil.pkl')
    const { message } = request({ artifact: { artifact: ARTIFACT, manifest: forged } })
    const text = slackText(slackPayload(message).blocks)
    expect(text).toContain('The manifest given does not hash to this digest')
    expect(text).not.toContain('evil.pkl')
    expect(text).toContain(DIGEST)
  })

  it('counts a large manifest instead of listing it', () => {
    const big = Array.from({ length: 11 }, (_, i) => `${sha(String(i))}  part-${i}\n`).join('')
    const artifact = JSON.stringify({ digest: `sha256:${sha(big)}`, files: 11, uri: 's3://b/m' })
    const text = slackText(
      slackPayload(request({ artifact: { artifact, manifest: big } }).message).blocks
    )
    expect(text).toContain('11 files: see the manifest')
    expect(text).not.toContain('part-3')
  })

  it('reports an unreadable artifact as a problem, and says so in the message', () => {
    const { message, problems } = request({ artifact: { artifact: '{"digest": "md5:1"}' } })
    expect(problems).toEqual([{ about: 'artifact', problem: expect.stringContaining('sha256') }])
    expect(slackText(slackPayload(message).blocks)).toContain(
      'Approved bytes: the digest is unreadable'
    )
  })

  it('escapes a path from the store, so it cannot form a Slack link or mention', () => {
    const manifest = `${sha('x')}  <!channel>|<https://evil.example|click>\n`
    const artifact = JSON.stringify({
      digest: `sha256:${sha(manifest)}`,
      files: 1,
      uri: 's3://b/m'
    })
    const blocks = slackPayload(request({ artifact: { artifact, manifest } }).message).blocks
    const text = slackText(blocks)
    expect(text).toContain('&lt;!channel&gt;')
    expect(text).not.toContain('<!channel>')
  })
})

describe('the approval request of a rollback', () => {
  it('names the version restored and the one it replaces, resolved before anyone approves', () => {
    const { message } = request({ version: '5', rollback: { replacing: '7' } })
    expect(message.title).toBe('Approval requested: roll back churn Production to v5 (from v7)')
    expect(message.facts).toContainEqual({
      label: 'Version',
      value: '5 (rollback, replacing version 7)'
    })
    expect(genericPayload(message).data.rollback).toEqual({ restores: '5', replacing: '7' })
  })
})
