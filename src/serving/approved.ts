import type { AuditEntry } from '../audit/entry.js'

/** The approved digest the audit trail recorded for one version, and the entry that recorded it. */
export interface RecordedArtifact {
  digest: string
  files: number
  uri: string
  seq: number
}

/**
 * The approved digest of a version's artifact, from its own successful promotions (promote or
 * rollback), newest first, as its lineage is read (provenance/version-record.ts): after a
 * rollback to v1, the digest v1's own promotion recorded. Null when no promotion of the version
 * recorded one (entries written before the approved digest existed).
 */
export function approvedArtifact(
  entries: readonly AuditEntry[],
  model: string,
  version: string
): RecordedArtifact | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!
    if (e.model !== model || String(e.version ?? '') !== version) continue
    if (e.outcome !== 'success' || (e.event !== 'promote' && e.event !== 'rollback')) continue
    const a = e.artifact
    if (a && typeof a.digest === 'string' && a.digest !== '') {
      return {
        digest: a.digest,
        files: typeof a.files === 'number' ? a.files : 0,
        uri: typeof a.uri === 'string' ? a.uri : '',
        seq: Number(e.seq)
      }
    }
  }
  return null
}
