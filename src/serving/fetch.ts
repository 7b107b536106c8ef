import {
  listingLimitsFromEnv,
  locateArtifact,
  openReader,
  type ListingLimits,
  type LocateClient,
  type ProxyClient
} from '../artifacts/index.js'
import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { downloadVerified, type ExpectedBytes, type VerifiedDownload } from './download.js'
import type { ResolveResult } from './resolve.js'

/** The MLflow operations a verified download needs; MlflowClient provides them. */
export type ArtifactClient = LocateClient & ProxyClient

/**
 * Downloads the governed version of a resolved target, verified against what the audit trail
 * recorded for that version (its own promotion's, also after a rollback): the approved sha256
 * digest of its artifact when the entry has one (any flavour, any layout, any store), else the
 * model md5 of its lineage (DVC's). Refused, before any byte moves, when the target is not
 * governed (drift, nobody) or the trail recorded neither.
 */
export async function fetchGoverned(
  client: ArtifactClient,
  resolved: ResolveResult,
  dir: string,
  options: {
    logger: Logger
    env?: NodeJS.ProcessEnv
    limits?: ListingLimits
    signal?: AbortSignal
  }
): Promise<VerifiedDownload & { root: string; via: string; seq: number | null }> {
  if (!resolved.governed || !resolved.holder || resolved.auditedVersion === null)
    throw new ActionError(`Nothing was downloaded: ${resolved.problem ?? 'no governed version'}`)
  const env = options.env ?? {}
  let expected: ExpectedBytes
  let seq: number | null
  if (resolved.approved) {
    expected = { kind: 'sha256', digest: resolved.approved.digest }
    seq = resolved.approved.seq
  } else if (resolved.lineage?.model_md5) {
    expected = { kind: 'md5', md5: resolved.lineage.model_md5 }
    seq = resolved.lineage.seq
  } else {
    throw new ActionError(
      `Nothing was downloaded: the audit trail records neither an approved artifact digest nor a model md5 for version ${resolved.auditedVersion} of '${resolved.model}', so its files cannot be proven to be the approved ones. ` +
        'Promote versions through the reusable workflow, which records the approved digest (docs/workflow.md)'
    )
  }
  const location = await locateArtifact(client, resolved.holder)
  const reader = await openReader(location, { mlflow: client, env })
  options.logger.info(
    `Downloading ${resolved.uri} from ${resolved.server} (artifact '${location.uri}', via ${location.via})`
  )
  const downloaded = await downloadVerified({
    reader,
    expected,
    dir,
    logger: options.logger,
    limits: options.limits ?? listingLimitsFromEnv(env),
    ...(options.signal ? { signal: options.signal } : {})
  })
  return { ...downloaded, root: location.uri, via: location.via, seq }
}
