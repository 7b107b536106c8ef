import { ARTIFACT_DIGEST_TAG } from '../artifacts/index.js'
import type { RunContext } from '../github/context.js'
import { moveKey, type Move } from './types.js'

/** The documented default prefix of the model-version tags this action writes. */
export const DEFAULT_TAG_PREFIX = 'model_governance.'

export interface PromotionRecord {
  moves: Move[]
  previousByMove: (string | undefined)[]
  previousVersion: string
  approvedBy: string[]
  /** role:login per sign-off role, when the stage declares sign_off. */
  signOffs: { role: string; login?: string }[]
  rollback: boolean
  at: Date
  /** The approved artifact digest, checked right before the write; absent when none was. */
  artifactDigest?: string | undefined
}

/**
 * The tags recording a promotion on the promoted version. `previous.<target>` is kept per target
 * (a version can hold Staging and later Production), and is what a rollback reads when there is
 * no audit log.
 */
export function promotionTags(
  prefix: string,
  record: PromotionRecord,
  run: RunContext
): Record<string, string> {
  const tags: Record<string, string> = {
    [`${prefix}promoted_by`]: run.actor ?? '',
    [`${prefix}approved_by`]: record.approvedBy.join(','),
    [`${prefix}run_url`]: run.runUrl ?? '',
    [`${prefix}git_commit`]: run.sha ?? '',
    [`${prefix}previous_version`]: record.previousVersion,
    [`${prefix}promoted_at`]: record.at.toISOString(),
    [`${prefix}rollback`]: String(record.rollback)
  }
  if (record.signOffs.length > 1)
    tags[`${prefix}sign_off`] = record.signOffs.map(s => `${s.role}:${s.login ?? ''}`).join(',')
  // A fixed key, whatever the prefix: resolve and reconcile read the digest by this name.
  if (record.artifactDigest) tags[ARTIFACT_DIGEST_TAG] = record.artifactDigest
  record.moves.forEach((move, i) => {
    tags[previousTagKey(prefix, move)] = record.previousByMove[i] ?? ''
  })
  return tags
}

export function previousTagKey(prefix: string, move: Move): string {
  return `${prefix}previous.${moveKey(move)}`
}
