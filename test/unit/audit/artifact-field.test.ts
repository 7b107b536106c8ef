import { describe, expect, it } from '@jest/globals'
import { buildEntry, readArtifact } from '../../../src/audit/build-entry.js'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import { runContext } from '../../../src/github/context.js'

const context = runContext({ GITHUB_REPOSITORY: 'acme/models', GITHUB_RUN_ID: '7' })
const DIGEST = `sha256:${'ab'.repeat(32)}`
const GOOD = { digest: DIGEST, files: 3, uri: 'mlflow-artifacts:/1/models/m-1/artifacts' }

describe('audit entry: the approved artifact', () => {
  it('records promote-model’s artifact output as the entry’s artifact, after the required keys', () => {
    const built = buildEntry(
      { event: 'promote', model: 'churn', version: '3', artifact: JSON.stringify(GOOD) },
      context,
      [],
      '',
      0
    )
    expect(built.fields.artifact).toEqual(GOOD)
    expect(built.invalid).toEqual([])
    const line = JSON.parse(formatLine(built.fields, 1, GENESIS_PREV)) as Record<string, unknown>
    expect(line.artifact).toEqual(GOOD)
    expect(Object.keys(line).at(-1)).toBe('artifact')
  })

  // MLflow writes Azure stores as wasbs://<container>@<account>.blob.core.windows.net/…, and
  // promote-model's output keeps that (redactUri): the container is not a credential.
  it.each([
    'wasbs://models@acct.blob.core.windows.net/1/models/m-1/artifacts',
    'abfss://ml-artifacts@acct.dfs.core.windows.net/1/models/m-1/artifacts'
  ])('records an Azure store URI whose container precedes the @: %s', uri => {
    const artifact = { ...GOOD, uri }
    expect(readArtifact(JSON.stringify(artifact))).toEqual({ artifact })
    const built = buildEntry(
      { event: 'promote', model: 'churn', version: '3', artifact: JSON.stringify(artifact) },
      context,
      [],
      '',
      0
    )
    expect(built.fields.artifact).toEqual(artifact)
    expect(built.invalid).toEqual([])
  })

  it('an entry without an artifact has no artifact key, so older lines stay byte for byte', () => {
    const built = buildEntry(
      { event: 'gate-failed', model: 'churn', artifact: '' },
      context,
      [],
      '',
      0
    )
    expect('artifact' in built.fields).toBe(false)
  })

  it.each([
    ['not json', 'is not valid JSON'],
    ['[1]', 'is not a JSON object'],
    [JSON.stringify({ ...GOOD, digest: 'md5:abc' }), 'digest that is not sha256'],
    [JSON.stringify({ ...GOOD, digest: DIGEST.toUpperCase() }), 'digest that is not sha256'],
    [JSON.stringify({ ...GOOD, files: 1.5 }), 'files count that is not a whole number'],
    [JSON.stringify({ ...GOOD, files: '3' }), 'files count that is not a whole number'],
    [JSON.stringify({ ...GOOD, uri: 'x'.repeat(3000) }), 'at most 2048 characters'],
    [JSON.stringify({ ...GOOD, uri: 's3://b/k\nforged' }), 'control character'],
    [JSON.stringify({ ...GOOD, uri: 'https://user:pw@host/a' }), 'carries credentials'],
    [JSON.stringify({ ...GOOD, uri: 's3://AKIAKEY@bucket/a' }), 'carries credentials'],
    [
      JSON.stringify({ ...GOOD, uri: 'wasbs://key:secret@acct.blob.core.windows.net/a' }),
      'carries credentials'
    ],
    ['${{ needs.validate.outputs.artifact }}', 'is not valid JSON']
  ])('records the event without the artifact when the input is %s', (text, reason) => {
    expect(readArtifact(text)).toEqual({ reason: expect.stringContaining(reason) })
    const built = buildEntry(
      { event: 'promote', model: 'churn', version: '3', artifact: text },
      context,
      [],
      '',
      0
    )
    expect(built.fields.artifact).toBeUndefined()
    expect(built.fields.invalid).toEqual([
      { field: 'artifact', reason: expect.stringContaining(reason) }
    ])
    expect(built.invalid[0]).toMatchObject({ field: 'artifact', input: 'artifact' })
    // The event itself is kept, and nothing of the rejected text reaches the entry.
    expect(built.fields.event).toBe('promote')
    expect(formatLine(built.fields, 1, GENESIS_PREV)).not.toContain('forged')
  })
})
