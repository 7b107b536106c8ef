import { ActionError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { artifactRoot, type ArtifactClient, type TreeLimits } from './artifact-tree.js'
import { downloadVerified, type VerifiedDownload } from './download.js'
import type { ResolveResult } from './resolve.js'

/**
 * Downloads the governed version of a resolved target, verified against the model md5 the
 * audit trail recorded for that version (its own promotion's lineage, also after a rollback).
 * Refused, before any byte moves, when the target is not governed (drift, nobody) or the trail
 * recorded no md5 for the version.
 */
export async function fetchGoverned(
  client: ArtifactClient,
  resolved: ResolveResult,
  dir: string,
  options: { logger: Logger; limits?: TreeLimits; signal?: AbortSignal }
): Promise<VerifiedDownload & { root: string }> {
  if (!resolved.governed || !resolved.holder || resolved.auditedVersion === null)
    throw new ActionError(`Nothing was downloaded: ${resolved.problem ?? 'no governed version'}`)
  const md5 = resolved.lineage?.model_md5 ?? ''
  if (md5 === '') {
    throw new ActionError(
      `Nothing was downloaded: the audit trail records no model md5 for version ${resolved.auditedVersion} of '${resolved.model}', so its files cannot be proven to be the approved ones. ` +
        "Promote versions with lineage-check's lineage output passed to audit-log (docs/workflow.md)"
    )
  }
  const root = await artifactRoot(client, resolved.holder)
  options.logger.info(`Downloading ${resolved.uri} from ${resolved.server} (artifact '${root}')`)
  const downloaded = await downloadVerified({
    client,
    root,
    expectedMd5: md5,
    dir,
    logger: options.logger,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {})
  })
  return { ...downloaded, root }
}
