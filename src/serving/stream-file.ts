import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { ActionError } from '../core/errors.js'

export interface Written {
  md5: string
  bytes: number
}

/**
 * Streams a body into `file`, hashing each chunk as it passes: one chunk is held at a time (the
 * next one is pulled only after this one is on disk), so memory stays at one chunk whatever the
 * file's size. The file is truncated first, so a retried download starts clean. `budget` is how
 * many bytes may still come for the whole download; `signal` stops between chunks.
 */
export async function writeHashed(
  body: AsyncIterable<Uint8Array>,
  file: string,
  options: { budget?: number; signal?: AbortSignal; label?: string } = {}
): Promise<Written> {
  const hash = createHash('md5')
  const handle = await open(file, 'w', 0o644)
  let bytes = 0
  try {
    for await (const chunk of body) {
      if (options.signal?.aborted) throw new ActionError('The download was interrupted')
      bytes += chunk.length
      if (options.budget !== undefined && bytes > options.budget) {
        throw new ActionError(
          `The artifact${options.label ? ` '${options.label}'` : ''} is larger than the download limit; raise MODEL_GOVERNANCE_HTTP_MAX_DOWNLOAD_MIB if the model really is that large`
        )
      }
      hash.update(chunk)
      let at = 0
      while (at < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, at, chunk.length - at)
        at += bytesWritten
      }
    }
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { md5: hash.digest('hex'), bytes }
}
