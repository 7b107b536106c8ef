import type { ChainResult } from './chain.js'
import type { AuditEntry } from './entry.js'
import { verifyFile } from './verify.js'

export interface Inspection {
  exists: boolean
  chain: ChainResult
  /** The newest `keep` verified entries, oldest first. */
  newest: AuditEntry[]
}

/**
 * Verifies a file while keeping only the newest `keep` entries (a ring of parsed lines), so
 * verify and render stream files of any length in bounded memory.
 */
export async function inspectFile(
  path: string,
  keep: number,
  expectedSha256?: string,
  where: { root?: string; label?: string } = {}
): Promise<Inspection> {
  const ring: AuditEntry[] = []
  const chain = await verifyFile(path, {
    ...where,
    ...(expectedSha256 ? { expectedSha256 } : {}),
    onEntry:
      keep > 0
        ? line => {
            ring.push(JSON.parse(line.toString('utf8')) as AuditEntry)
            if (ring.length > keep) ring.shift()
          }
        : undefined
  })
  const { exists, ...result } = chain
  return { exists, chain: result, newest: ring }
}
