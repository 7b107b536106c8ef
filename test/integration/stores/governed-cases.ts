import { expect, test } from '@jest/globals'
import { readdirSync } from 'node:fs'
import {
  audit,
  digestTag,
  flipByte,
  landed,
  flowOf,
  nothingLanded,
  promoteApproved,
  registry,
  sdkHashes,
  serve,
  storeUriOf,
  target,
  validate
} from './governed-flow.js'
import type { StoreRig } from './store-fixture.js'

/** Issue 26's "Done when", as each store file runs it against its own rig. */

const WEIGHTS = /^model\.(skops|pkl)$/

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A version logged with mlflow.sklearn.log_model and registered from runs:/<run>/model is
 * digested in validation, promoted with that digest checked again (tag and audit entry), and
 * served by `resolve --download` with the files landing as approved.
 */
export async function approvedPromotedServed(
  rig: StoreRig,
  mode: 'direct' | 'proxied'
): Promise<void> {
  const flow = flowOf(rig, mode, 'clean')

  // Validate: MLflow 3 put the files under the logged model, not the run's empty artifacts/model.
  const approved = await validate(flow)
  expect(Object.keys(approved.files)).toEqual(
    expect.arrayContaining(['MLmodel', 'requirements.txt', expect.stringMatching(WEIGHTS)])
  )
  expect(approved.uri).toMatch(
    mode === 'direct'
      ? new RegExp(`^${escapeRegExp(rig.directRoot)}/.+/models/m-[0-9a-f]+/artifacts$`)
      : /^mlflow-artifacts:\/.+\/models\/m-[0-9a-f]+\/artifacts$/
  )
  // The digest is of the bytes the store's own SDK reads, file by file.
  expect(sdkHashes(flow, approved)).toEqual(approved.files)
  // The reviewers see it.
  expect(approved.run.summary).toContain(approved.digest)

  // Promote: the bytes read again and checked, then recorded.
  const promoted = await promoteApproved(flow, approved)
  if (promoted.code !== 0) throw new Error(`promote failed: ${promoted.all.slice(-3000)}`)
  expect(promoted.outputs).toMatchObject({
    changed: 'true',
    stage: 'Production',
    version: flow.version,
    'artifact-digest': approved.digest
  })
  const model = registry(flow)
  expect(model.versions.find(v => v.version === flow.version)?.stage).toBe('Production')
  expect(digestTag(model, flow.version)).toBe(approved.digest)
  const entry = await audit(flow, promoted)
  expect(entry).toMatchObject({
    event: 'promote',
    model: flow.name,
    version: flow.version,
    to: 'Production',
    artifact: {
      digest: approved.digest,
      files: Object.keys(approved.files).length,
      uri: approved.uri
    }
  })

  // Serve: verified against the trail's digest before anything appears in DIR.
  const { parent, dir } = target()
  const served = await serve(flow, dir)
  if (served.code !== 0) throw new Error(`resolve --download failed: ${served.stderr}`)
  expect(JSON.parse(served.stdout)).toMatchObject({
    version: flow.version,
    audited_version: flow.version,
    in_sync: true,
    artifact_digest: approved.digest,
    download: {
      dir,
      digest: approved.digest,
      verified: true,
      files: Object.keys(approved.files).length
    }
  })
  expect(landed(dir)).toEqual(approved.files)
  expect(readdirSync(parent)).toEqual(['model'])
}

/**
 * One byte changed in the bucket after validation: promote-model refuses, naming the file, with
 * the registry as it was. The approved bytes put back, the same approval promotes. One byte
 * changed after promotion: `resolve --download` exits 1 and nothing appears in DIR.
 */
export async function tamperedRefused(rig: StoreRig, mode: 'direct' | 'proxied'): Promise<void> {
  const flow = flowOf(rig, mode, 'tampered')
  const approved = await validate(flow)
  const weights = Object.keys(approved.files).find(f => WEIGHTS.test(f))!
  expect(weights).toBeDefined()
  const weightsUri = storeUriOf(flow, approved, weights)

  const before = registry(flow)
  flipByte(flow, weightsUri)
  const refused = await promoteApproved(flow, approved)
  expect(refused.code).not.toBe(0)
  expect(refused.all).toContain(
    `The files of version ${flow.version} of '${flow.name}' are not the ones that were approved: approved ${approved.digest}`
  )
  expect(refused.all).toContain(`changed: ${JSON.stringify(weights)}.`)
  expect(refused.all).not.toMatch(/added:|removed:/)
  expect(refused.all).toContain('Nothing was changed in the registry.')
  expect(registry(flow)).toEqual(before)

  flipByte(flow, weightsUri)
  const promoted = await promoteApproved(flow, approved)
  if (promoted.code !== 0) throw new Error(`promote failed: ${promoted.all.slice(-3000)}`)
  await audit(flow, promoted)

  flipByte(flow, storeUriOf(flow, approved, 'MLmodel'))
  const { parent, dir } = target()
  const served = await serve(flow, dir, false)
  expect(served.code).toBe(1)
  expect(served.stdout).toBe('')
  expect(served.stderr).toContain('is not the one the audit trail approved')
  expect(served.stderr).toContain(approved.digest)
  nothingLanded(parent, dir)
}

/**
 * Issue 26's "Done when" as each store file registers it, in both modes: the approval
 * workflow's steps as the runner and a shell run them (promote-model and audit-log bundles, then
 * the CLI), on the sklearn pattern people use. `where` names the store's place for the bytes.
 */
export function governedFlowTests(rig: () => StoreRig, where: string): void {
  test.each(['direct', 'proxied'] as const)(
    '%s: a sklearn log_model version registered from runs:/<run>/model is digested, promoted with its approved digest and served verified',
    async mode => {
      await approvedPromotedServed(rig(), mode)
    },
    300_000
  )

  test.each(['direct', 'proxied'] as const)(
    `%s: one byte changed in the ${where} after validation makes promote-model refuse; after promotion, resolve --download refuses with nothing in DIR`,
    async mode => {
      await tamperedRefused(rig(), mode)
    },
    300_000
  )
}
