import { describe, expect, it } from '@jest/globals'
import { buildEntry, normaliseLineage, registryLabel } from '../../../src/audit/build-entry.js'
import {
  commitMessage,
  formatLine,
  GENESIS_PREV,
  REQUIRED_KEYS,
  truncateCodePoints
} from '../../../src/audit/format.js'
import { ConfigurationError } from '../../../src/core/errors.js'
import { runContext } from '../../../src/github/context.js'
import { sampleFields } from '../../harness/audit-sample.js'

describe('formatLine', () => {
  it('writes every required key in a fixed order, with v, seq and prev first', () => {
    const line = formatLine(sampleFields(0), 1, GENESIS_PREV)
    expect(Object.keys(JSON.parse(line) as object)).toEqual([...REQUIRED_KEYS])
    expect(
      line.startsWith(`{"v":1,"seq":1,"prev":"${GENESIS_PREV}","ts":"2026-11-26T06:00:00.000Z"`)
    ).toBe(true)
  })

  it('escapes newlines, quotes, control characters and Unicode line separators, so one event stays one line', () => {
    const reason = 'a\nb\r"c"\u0000\u001b\u0085\u2028\u2029\t\\'
    const line = formatLine(sampleFields(0, { reason }), 1, GENESIS_PREV)
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u0085\u2028\u2029]/)
    expect((JSON.parse(line) as { reason: string }).reason).toBe(reason)
  })

  it('writes every character of the Basic Multilingual Plane as lines were always written', () => {
    // The canonical line's bytes are hashed into the chain: they must not change. The rule the
    // trail was written with: JSON.stringify, then DEL, C1, U+2028 and U+2029 as \uXXXX.
    const everyCharacter = Array.from({ length: 0xd800 }, (_, c) => String.fromCharCode(c)).join('')
    const fields = sampleFields(0, { reason: everyCharacter })
    const written = JSON.stringify(JSON.parse(formatLine(fields, 1, GENESIS_PREV)))
    const line = formatLine(fields, 1, GENESIS_PREV)
    expect(line).toBe(
      written.replace(
        /[\u007f-\u009f\u2028\u2029]/g,
        c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
      )
    )
    expect((JSON.parse(line) as { reason: string }).reason).toBe(everyCharacter)
  })
})

describe('truncateCodePoints', () => {
  it('cuts at code points, never inside a surrogate pair', () => {
    const text = '😀'.repeat(3)
    expect(truncateCodePoints(text, 2)).toEqual({ text: '😀😀', truncated: true, length: 3 })
    expect(truncateCodePoints('abc', 3)).toEqual({ text: 'abc', truncated: false, length: 3 })
  })
})

describe('commitMessage', () => {
  it('is one line naming event, model, version, stages, actor and approvers', () => {
    expect(commitMessage(sampleFields(1, { model: 'churn\nx' }))).toBe(
      'Audit: promote churn x v2 Staging→Production by alice (approved by bob)'
    )
    expect(
      commitMessage(
        sampleFields(1, {
          approvals: [{ login: 'eve', state: 'rejected', comment: '', environments: [] }]
        })
      )
    ).toContain('(approved by none)')
  })
})

describe('buildEntry', () => {
  const context = runContext({
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_ACTOR: 'alice',
    GITHUB_TRIGGERING_ACTOR: 'carol',
    GITHUB_WORKFLOW_REF: 'acme/models/.github/workflows/p.yml@refs/heads/main'
  })

  it('fills the run fields from the context and keeps JSON inputs as given', () => {
    const { fields } = buildEntry(
      {
        event: 'promote',
        model: 'm',
        version: '3',
        metrics: '{"auc": 0.9}',
        gates: '[{"ok":true}]',
        trackingUri: 'https://u:p@mlflow.example.com:8443/secret/path?token=x'
      },
      context,
      [],
      'f'.repeat(40),
      Date.UTC(2026, 0, 2, 3, 4, 5, 6)
    )
    expect(fields).toMatchObject({
      ts: '2026-01-02T03:04:05.006Z',
      outcome: 'success',
      actor: 'alice',
      triggered_by: 'carol',
      run_url: 'https://github.com/acme/models/actions/runs/77/attempts/2',
      metrics: { auc: 0.9 },
      gates: [{ ok: true }],
      registry: 'https://mlflow.example.com:8443',
      lineage: { lock_sha256: '', model_md5: '', verified: null }
    })
  })

  it('cuts a 10,000-character reason to 2,000 and says so', () => {
    const built = buildEntry(
      { event: 'error', model: 'm', reason: 'x'.repeat(10_000) },
      context,
      [],
      '',
      0
    )
    expect(built.fields.reason).toHaveLength(2000)
    expect(built.fields.outcome).toBe('failure')
    expect(built.notes[0]).toContain('10000 characters')
  })

  it.each([
    [{ event: 'deploy' }, 'event', 'is not one of: promote'],
    [{ event: 'promote', outcome: 'ok' }, 'outcome', 'is not success or failure'],
    [{ event: 'promote', metrics: '{auc' }, 'metrics', 'is not valid JSON'],
    [{ event: 'promote', lineage: '[1]' }, 'lineage', 'is not a JSON object'],
    [{ event: 'promote', trackingUri: 'not a url' }, 'registry', 'is not a URL']
  ])(
    'records %j with the field marked invalid instead of refusing the event',
    (input, field, reason) => {
      const built = buildEntry({ model: 'm', ...input }, context, [], '', 0)
      expect(built.fields.invalid).toEqual([{ field, reason: expect.stringContaining(reason) }])
      expect(built.invalid[0]).toMatchObject({ field, input: expect.any(String) })
      // A bad event or outcome is never recorded as a success.
      if (field === 'event' || field === 'outcome') expect(built.fields.outcome).toBe('failure')
      expect(built.fields.event).toBe(field === 'event' ? 'error' : 'promote')
    }
  )

  it('reads lineage-check outputs in kebab, snake or camel case', () => {
    expect(normaliseLineage('{"lock-sha256":"l","model-md5":"m","verified":"true"}')).toEqual({
      lock_sha256: 'l',
      model_md5: 'm',
      verified: true
    })
    expect(normaliseLineage('{"lockSha256":"l","modelMd5":"m","verified":false}')).toEqual({
      lock_sha256: 'l',
      model_md5: 'm',
      verified: false
    })
    expect(registryLabel(undefined)).toBe('')
    // Callers outside append mode still get a user's mistake as an error naming the input.
    expect(() => normaliseLineage('[1]')).toThrow(ConfigurationError)
    expect(() => normaliseLineage('{"lock-sha256": "')).toThrow("'lineage' is not valid JSON")
  })
})
