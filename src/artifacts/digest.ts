import { createHash } from 'node:crypto'
import type { ArtifactDigest, ArtifactFile, ArtifactReader, DigestedFile } from './types.js'

/**
 * The manifest's bytes: one line per file, sorted by path (UTF-8 byte order), in sha256sum's
 * format (`<sha256>  <path>\n`), so a person can check a downloaded folder with `sha256sum -c`.
 * The approved digest is `sha256:` plus the SHA-256 of these bytes.
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
export async function digestArtifact(reader: ArtifactReader): Promise<ArtifactDigest> {
  const listing = await reader.list()
  const files: DigestedFile[] = []
  for (const file of listing.files as ArtifactFile[]) {
    const { sha256, size } = await reader.read(file, sha256Of)
    files.push({ path: file.relpath, sha256, size })
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
  return { digest: manifestDigest(files), files, location: reader.location }
}
