import { createHash } from 'node:crypto'
import { changedFiles, type ArtifactDigest, type DigestedFile } from '../artifacts/index.js'
import { ActionError, FieldError } from '../core/errors.js'
import type { ModelVersion } from '../mlflow/index.js'

/**
 * What the reviewers approved (issue "Approved bytes"): the digest of the version's artifact
 * that validation computed and showed them, and the manifest it hashes (one `<sha256>  <path>`
 * line per file) so a refusal can name the files. The manifest is optional: without it a
 * refusal can only say that the digest differs.
 */
export interface ApprovedArtifact {
  digest: string
  manifest?: string | undefined
}

/** Digests one version's artifact as it is in its store now (the artifacts room, injected). */
export type VersionDigester = (version: ModelVersion) => Promise<ArtifactDigest>

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/

/** The manifest lines a refusal can name, parsed: `<64 hex>  <path>`. */
const LINE = /^([0-9a-f]{64}) {2}(.+)$/

/**
 * Parses the approved manifest, after checking that its bytes hash to the approved digest: a
 * manifest that does not is not the one the reviewers saw, so nothing in it is trusted.
 */
export function readApprovedManifest(approved: ApprovedArtifact): DigestedFile[] | undefined {
  if (!DIGEST_PATTERN.test(approved.digest))
    throw new FieldError(
      'approved-artifact-digest',
      `is '${approved.digest.slice(0, 80)}', not sha256:<64 lowercase hex>; pass the validate job's artifact-digest output`
    )
  if (!approved.manifest) return undefined
  // The manifest ends each line with a newline; an action input is trimmed on the way in
  // (core.getInput), so the final newline is put back before hashing.
  const text = approved.manifest.endsWith('\n') ? approved.manifest : `${approved.manifest}\n`
  const hashed = `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`
  if (hashed !== approved.digest)
    throw new FieldError(
      'approved-artifact-manifest',
      `hashes to ${hashed}, not to approved-artifact-digest ${approved.digest}; pass both outputs of the same validate run (artifact-manifest and artifact-digest)`
    )
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines.map((line, i) => {
    const match = LINE.exec(line)
    if (!match)
      throw new FieldError(
        'approved-artifact-manifest',
        `line ${i + 1} is not '<sha256>  <path>'; pass the validate job's artifact-manifest output unchanged`
      )
    return { path: match[2]!, sha256: match[1]!, size: 0 }
  })
}

/** Names at most `max` paths, then counts the rest. */
function listed(paths: string[], max = 10): string {
  const shown = paths.slice(0, max).map(p => JSON.stringify(p))
  return paths.length > max
    ? `${shown.join(', ')} and ${paths.length - max} more`
    : shown.join(', ')
}

/**
 * The bytes check, right before the registry write: the version's artifact is digested again
 * and must be the approved one. A difference is refused, naming each file that changed, was
 * added or was removed (from the approved manifest, when given).
 */
export async function verifyApprovedBytes(
  model: string,
  version: ModelVersion,
  approved: ApprovedArtifact,
  digestNow: VersionDigester
): Promise<ArtifactDigest> {
  const approvedFiles = readApprovedManifest(approved)
  const now = await digestNow(version)
  if (now.digest === approved.digest) return now
  const where = `read from ${now.location.uri}`
  let detail: string
  if (approvedFiles) {
    const diff = changedFiles(approvedFiles, now.files)
    detail = [
      diff.changed.length ? `changed: ${listed(diff.changed)}` : '',
      diff.added.length ? `added: ${listed(diff.added)}` : '',
      diff.removed.length ? `removed: ${listed(diff.removed)}` : ''
    ]
      .filter(Boolean)
      .join('; ')
  } else {
    detail = 'no approved manifest was given, so the files that differ cannot be named'
  }
  throw new ActionError(
    `The files of version ${version.version} of '${model}' are not the ones that were approved: ` +
      `approved ${approved.digest}, now ${now.digest} (${now.files.length} file(s), ${where}). ` +
      `${detail}. Someone changed the artifact after validation; validate and approve it again`
  )
}

/** What the audit entry and the outputs record of a digest: `{digest, files, uri}`. */
export function artifactRecord(d: ArtifactDigest): { digest: string; files: number; uri: string } {
  return { digest: d.digest, files: d.files.length, uri: d.location.uri }
}
