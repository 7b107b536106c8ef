import { createHash } from 'node:crypto'
import type { ArtifactDigest, ArtifactReader, DigestedFile, ListingLimits } from './types.js'

/**
 * The manifest's bytes: one line per file, sorted by path (UTF-8 byte order), in sha256sum's
 * format (`<sha256>  <path>\n`), so a person can check a downloaded folder with `sha256sum -c`.
 * The approved digest is `sha256:` plus the SHA-256 of these bytes.
 *
 * Per file, `<sha256>` is exactly what OpenSSF model-signing 1.x records in its statement's
 * `predicate.resources` (`{name: <relpath>, algorithm: sha256, digest}`; proven by
 * test/integration/artifacts/model-signing.test.ts, which runs the tool). The approved digest is
 * deliberately NOT model-signing's subject digest (modelSigningSubjectDigest below): that one is
 * the SHA-256 of the files' raw 32-byte digests concatenated in path order, without the paths,
 * so two files swapping their contents (or a file renamed) leave it unchanged. Approving bytes
 * must also approve which file holds them (MLmodel decides how the model loads), so our manifest
 * binds each digest to its path.
 */
export function manifestText(files: readonly Pick<DigestedFile, 'path' | 'sha256'>[]): string {
  return [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map(f => `${f.sha256}  ${f.path}\n`)
    .join('')
}

export function manifestDigest(files: readonly Pick<DigestedFile, 'path' | 'sha256'>[]): string {
  return `sha256:${createHash('sha256').update(manifestText(files)).digest('hex')}`
}

/**
 * OpenSSF model-signing 1.x's single subject digest of the same files (its `subject[0].digest
 * .sha256`, hex): SHA-256 over each file's raw 32-byte digest, in the order of its manifest
 * (Python's ordering of PurePosixPath: segment by segment, each by code point, which for '/'
 * separated paths differs from plain byte order: `a/b` sorts before `a.b`). For cross-checking a
 * model-signing signature of the approved files; see manifestText for why it is not the
 * approved digest.
 */
export function modelSigningSubjectDigest(
  files: readonly Pick<DigestedFile, 'path' | 'sha256'>[]
): string {
  const bySegments = (a: string, b: string): number => {
    const x = a.split('/')
    const y = b.split('/')
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!))
      if (order !== 0) return order
    }
    return x.length - y.length
  }
  const hash = createHash('sha256')
  for (const file of [...files].sort((a, b) => bySegments(a.path, b.path)))
    hash.update(Buffer.from(file.sha256, 'hex'))
  return hash.digest('hex')
}

/** Files whose bytes differ between two manifests, plus files only one of them has. */
export function changedFiles(
  approved: readonly DigestedFile[],
  now: readonly DigestedFile[]
): { changed: string[]; added: string[]; removed: string[] } {
  const before = new Map(approved.map(f => [f.path, f.sha256]))
  const after = new Map(now.map(f => [f.path, f.sha256]))
  return {
    changed: [...after].filter(([p, h]) => before.has(p) && before.get(p) !== h).map(([p]) => p),
    added: [...after.keys()].filter(p => !before.has(p)),
    removed: [...before.keys()].filter(p => !after.has(p))
  }
}

async function sha256Of(
  body: AsyncIterable<Uint8Array>
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of body) {
    hash.update(chunk)
    size += chunk.length
  }
  return { sha256: hash.digest('hex'), size }
}

/** Digests every listed file of an artifact, streaming (one chunk in memory per file read). */
export async function digestArtifact(
  reader: ArtifactReader,
  limits?: ListingLimits
): Promise<ArtifactDigest> {
  const listing = await reader.list(limits)
  const files: DigestedFile[] = []
  for (const file of listing.files) {
    const { sha256, size } = await reader.read(file, sha256Of)
    files.push({ path: file.relpath, sha256, size })
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
  return { digest: manifestDigest(files), files, location: reader.location }
}
