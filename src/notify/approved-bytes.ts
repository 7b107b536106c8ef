import { createHash } from 'node:crypto'
import type { Section } from './message.js'

/** The approved bytes as promote-model's plan gives them: artifact `{digest, files, uri}` and the manifest. */
export interface ArtifactToApprove {
  /** promote-model's `artifact` output (JSON). */
  artifact: string
  /** promote-model's `artifact-manifest` output: one `<sha256>  <path>` line per file. */
  manifest?: string | undefined
}

/** Up to this many files the request lists each one; a larger manifest is counted. */
export const LISTED_FILES = 10

const DIGEST = /^sha256:[0-9a-f]{64}$/
const LINE = /^([0-9a-f]{64}) {2}(.+)$/

/**
 * The section that shows reviewers the bytes they approve: the digest, the file count, where
 * the files were read and, for a small manifest, each file's sha256. A manifest is shown only
 * when it hashes to the digest: anything else is not what validation computed.
 */
export function approvedBytesSection(
  given: ArtifactToApprove
): { section: Section; digest: string; data: Record<string, unknown> } | { problem: string } {
  let value: unknown
  try {
    value = JSON.parse(given.artifact)
  } catch {
    return { problem: 'is not valid JSON' }
  }
  const { digest, files, uri } = (value ?? {}) as Record<string, unknown>
  if (typeof digest !== 'string' || !DIGEST.test(digest))
    return { problem: 'has no digest of the form sha256:<64 hex>' }
  const count = typeof files === 'number' && Number.isSafeInteger(files) ? files : undefined
  const where = typeof uri === 'string' ? uri : ''
  const lines = [`Digest: ${digest}`]
  lines.push(`${count ?? '?'} file(s)${where ? `, read from ${where}` : ''}`)
  const data: Record<string, unknown> = { digest, files: count, uri: where }
  // Each line ends with a newline; an action input is trimmed (core.getInput), so it is put back.
  const raw = given.manifest ?? ''
  const manifest = raw === '' || raw.endsWith('\n') ? raw : `${raw}\n`
  if (manifest) {
    const hashed = `sha256:${createHash('sha256').update(manifest, 'utf8').digest('hex')}`
    if (hashed !== digest) {
      lines.push('The manifest given does not hash to this digest; its files are not shown.')
    } else {
      const entries = manifest
        .split('\n')
        .filter(Boolean)
        .flatMap(l => {
          const m = LINE.exec(l)
          return m ? [{ path: m[2]!, sha256: m[1]! }] : []
        })
      if (entries.length <= LISTED_FILES) {
        lines.push(...entries.map(e => `${e.path}: sha256 ${e.sha256}`))
        data.manifest = entries
      } else lines.push(`${entries.length} files: see the manifest in the run's summary`)
    }
  }
  return {
    section: { heading: 'Approved bytes: approve these files, not only the version number', lines },
    digest,
    data
  }
}
