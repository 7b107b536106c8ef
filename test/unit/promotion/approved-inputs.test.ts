import { describe, expect, it } from '@jest/globals'
import { inputs as promoteModel } from '../../../actions/promote-model/inputs.js'
import { planOutputs } from '../../../actions/promote-model/outputs.js'
import { FieldError, renderError } from '../../../src/core/errors.js'
import { actionFieldName } from '../../../src/core/run.js'

const parse = (given: Record<string, string>) =>
  promoteModel.parse(name => ({ 'model-name': 'churn', ...given })[name])

function refusal(given: Record<string, string>): string {
  try {
    parse(given)
  } catch (error) {
    expect(error).toBeInstanceOf(FieldError)
    return renderError(error, actionFieldName)
  }
  throw new Error('expected the inputs to be refused')
}

const DIGEST = `sha256:${'0a'.repeat(32)}`

describe('promote-model inputs for approved bytes', () => {
  it('takes an approved digest and manifest, and a rollback version with rollback', () => {
    const values = parse({
      version: '3',
      'approved-artifact-digest': DIGEST,
      'approved-artifact-manifest': `${'0a'.repeat(32)}  MLmodel\n`
    })
    expect(values['approved-artifact-digest']).toBe(DIGEST)
    expect(parse({ rollback: 'true', 'rollback-version': '2' })['rollback-version']).toBe('2')
    expect(parse({ version: '3', 'plan-only': 'true' })['plan-only']).toBe(true)
  })

  it('refuses a digest in another spelling, a manifest without a digest, and a rollback version without rollback', () => {
    expect(refusal({ version: '3', 'approved-artifact-digest': 'sha256:ABC' })).toMatch(
      /^Input 'approved-artifact-digest'.*sha256:<64 lowercase hex>/
    )
    expect(refusal({ version: '3', 'approved-artifact-manifest': 'x' })).toMatch(
      /^Input 'approved-artifact-manifest' is set without 'approved-artifact-digest'/
    )
    expect(refusal({ version: '3', 'rollback-version': '2' })).toMatch(
      /^Input 'rollback-version' is set but 'rollback' is false/
    )
    expect(refusal({ rollback: 'true', 'rollback-version': 'latest' })).toMatch(
      /^Input 'rollback-version'/
    )
    expect(refusal({ source: 'runs:/a/model', 'plan-only': 'true' })).toMatch(
      /^Input 'plan-only' plans the promotion of an existing version/
    )
  })

  it('plan-only outputs carry the version, the holder it replaces, the digest, the manifest and the audit record', () => {
    const outputs = planOutputs({
      model: 'churn',
      version: '2',
      rollback: true,
      target: 'stage Production',
      current: '3',
      manifest: `${'0a'.repeat(32)}  MLmodel\n`,
      notes: [],
      artifact: {
        digest: DIGEST,
        files: [{ path: 'MLmodel', sha256: '0a'.repeat(32), size: 7 }],
        location: { uri: 's3://bucket/m', scheme: 's3', via: 'models:/churn/2' }
      }
    })
    expect(outputs).toMatchObject({
      version: '2',
      'previous-version': '3',
      'artifact-digest': DIGEST,
      'artifact-manifest': `${'0a'.repeat(32)}  MLmodel\n`,
      changed: 'false'
    })
    expect(JSON.parse(String(outputs.artifact))).toEqual({
      digest: DIGEST,
      files: 1,
      uri: 's3://bucket/m'
    })
  })
})

describe('the approved manifest through a workflow input', () => {
  it('hashes to the digest although the input lost its final newline (core.getInput trims)', async () => {
    const { readApprovedManifest } = await import('../../../src/promotion/approved-artifact.js')
    const { manifestDigest, manifestText } = await import('../../../src/artifacts/digest.js')
    const files = [
      { path: 'MLmodel', sha256: 'a'.repeat(64) },
      { path: 'model.skops', sha256: 'b'.repeat(64) }
    ]
    const digest = manifestDigest(files)
    const trimmed = manifestText(files).trimEnd()
    expect(readApprovedManifest({ digest, manifest: trimmed })?.map(f => f.path)).toEqual([
      'MLmodel',
      'model.skops'
    ])
    expect(() => readApprovedManifest({ digest, manifest: `${trimmed}x` })).toThrow('hashes to')
  })
})
