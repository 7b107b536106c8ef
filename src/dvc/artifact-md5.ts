import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ArtifactFile, ArtifactReader } from '../artifacts/types.js'
import { hashFilesSync } from './hash-file.js'

/** md5 of a stored file's bytes, streamed (DVC's `hash: md5`). */
async function plainMd5(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of body) hash.update(chunk)
  return hash.digest('hex')
}

/**
 * md5 of a stored file as DVC hashes it for the lock entry: plain, or (entries without `hash:`,
 * written by DVC 2) the chunked dos2unix rule, which needs the file: streamed to a temp file
 * outside the workspace, hashed, deleted.
 */
export async function storedMd5(
  reader: ArtifactReader,
  file: ArtifactFile,
  legacy: boolean
): Promise<string> {
  if (!legacy) return reader.read(file, plainMd5)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-artifact-'))
  try {
    const target = path.join(dir, 'artifact')
    await reader.read(file, async body => {
      const out = fs.createWriteStream(target)
      for await (const chunk of body)
        if (!out.write(chunk)) await new Promise<void>(r => out.once('drain', () => r()))
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve()))
      )
    })
    const [result] = hashFilesSync({ fs, crypto }, [{ path: target, mode: 'legacy' }])
    if (!result || 'error' in result) throw new Error(`could not hash ${file.relpath}`)
    return result.md5
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
