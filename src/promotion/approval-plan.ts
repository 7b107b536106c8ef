import { manifestText, type ArtifactDigest } from '../artifacts/index.js'
import { ActionError } from '../core/errors.js'
import { phase } from '../core/logger.js'
import { planPromotion } from './promote.js'
import type { RecordedArtifact } from './rollback.js'
import { moveLabel, type PromotionDeps, type PromotionRequest } from './types.js'

/**
 * What the reviewers are asked to approve, resolved in the validate job (read-only): the version
 * (for a rollback, the one the audit log says to restore, and the one it replaces) and the
 * digest of its artifact, so that they approve bytes, not a version number.
 */
export interface ApprovalPlan {
  model: string
  version: string
  rollback: boolean
  /** The target the plan is for, e.g. "stage Production". */
  target: string
  /** The version holding the target now (the one a rollback replaces); empty when none. */
  current: string
  artifact: ArtifactDigest
  /** The manifest whose sha256 is artifact.digest (promote-model's approved-artifact-manifest). */
  manifest: string
  /** For a rollback: the digest recorded at the restored version's own promotion, which the files still match. */
  recorded?: RecordedArtifact
  /** Said to the reviewers, e.g. that no digest was recorded when the version was promoted. */
  notes: string[]
}

/**
 * Resolves the version and digests its artifact, changing nothing. A rollback restores the bytes
 * of the version's own promotion: when that promotion recorded a digest, the files must still
 * have it, else the rollback is refused here, before anyone is asked to approve it.
 */
export async function planApproval(
  request: PromotionRequest,
  deps: PromotionDeps
): Promise<ApprovalPlan> {
  const { logger } = deps
  const planned = await phase(logger, 'plan', () => planPromotion(request, deps))
  const digester = deps.digestVersion
  if (!digester) throw new ActionError('planApproval needs a digester; this is a bug in the caller')
  const { version, states, recorded } = planned
  const primary = states[0]
  const artifact = await phase(logger, 'digest', () => digester(version))
  const notes: string[] = []
  const v = version.version
  if (request.rollback) {
    if (recorded && recorded.digest !== artifact.digest)
      throw new ActionError(
        `Cannot roll back to version ${v} of '${request.model}': its files are not the ones it was promoted with. ` +
          `Recorded ${recorded.digest} (${recorded.from}), now ${artifact.digest} (${artifact.files.length} file(s) read from ` +
          `${artifact.location.uri}). Restore its files, or promote the version you want explicitly. Nothing was changed in the registry.`
      )
    if (!recorded)
      notes.push(
        `No digest was recorded when version ${v} was promoted; the digest shown is of its files as they are now.`
      )
  }
  logger.info(
    `Version ${v} of '${request.model}': ${artifact.digest}, ${artifact.files.length} file(s) read from ${artifact.location.uri}`
  )
  return {
    model: request.model,
    version: v,
    rollback: request.rollback,
    target: primary ? moveLabel(primary.move) : '',
    current: planned.rollbackFrom ?? primary?.holders.filter(h => h !== v).pop() ?? '',
    artifact,
    manifest: manifestText(artifact.files),
    ...(recorded ? { recorded } : {}),
    notes
  }
}
