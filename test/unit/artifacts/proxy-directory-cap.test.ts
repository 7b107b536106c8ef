import { describe, expect, it } from '@jest/globals'
import { DEFAULT_LISTING_LIMITS } from '../../../src/artifacts/listing.js'
import { openProxyReader, type ProxyClient } from '../../../src/artifacts/proxy-reader.js'

/**
 * A hostile tracking server that answers every listing with more directories, but stays
 * shallow: width^depth listings (40^4, about 2.6 million requests here), while the file cap
 * (it lists no file) and the depth cap (4 levels) never trip. The directory cap stops it after a
 * bounded number of requests.
 */
function endlessDirectories(width: number, depth = 4): { client: ProxyClient; listed: string[] } {
  const listed: string[] = []
  const client = {
    server: 'http://mlflow.test',
    listProxiedArtifacts: (where: string) => {
      listed.push(where)
      if (where.split('/').length > depth) return Promise.resolve([])
      return Promise.resolve(
        Array.from({ length: width }, (_, i) => ({ path: `${where}/d${i}`, is_dir: true }))
      )
    },
    downloadProxiedArtifact: () => Promise.reject(new Error('nothing is downloaded'))
  } as unknown as ProxyClient
  return { client, listed }
}

describe('the proxy reader caps directories', () => {
  it('refuses a server that keeps listing directories, after at most maxDirectories listings', async () => {
    const { client, listed } = endlessDirectories(40)
    const reader = openProxyReader(client, {
      uri: 'mlflow-artifacts:/root',
      scheme: 'mlflow-artifacts',
      via: 'test'
    })
    await expect(reader.list()).rejects.toThrow(
      `more than ${DEFAULT_LISTING_LIMITS.maxDirectories} folders`
    )
    expect(listed.length).toBeLessThanOrEqual(DEFAULT_LISTING_LIMITS.maxDirectories + 1)
    // Shallow: depth alone would not have stopped it.
    expect(Math.max(...listed.map(l => l.split('/').length))).toBeLessThan(
      DEFAULT_LISTING_LIMITS.maxDepth
    )
  })
})
