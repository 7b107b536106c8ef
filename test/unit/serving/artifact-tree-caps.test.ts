import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_TREE_LIMITS,
  listArtifactTree,
  type ArtifactClient
} from '../../../src/serving/index.js'

/**
 * A hostile tracking server that answers every listing with more directories, but stays
 * shallow: width^depth listings (40^4, about 2.6 million requests here), while the file cap
 * (it lists no file) and the depth cap (4 levels) never trip. The directory cap stops it after a
 * bounded number of requests.
 */
function endlessDirectories(
  width: number,
  depth = 4
): { client: ArtifactClient; listed: string[] } {
  const listed: string[] = []
  const client = {
    listProxiedArtifacts: (where: string) => {
      listed.push(where)
      if (where.split('/').length > depth) return Promise.resolve([])
      return Promise.resolve(
        Array.from({ length: width }, (_, i) => ({ path: `${where}/d${i}`, is_dir: true }))
      )
    }
  } as unknown as ArtifactClient
  return { client, listed }
}

describe('listArtifactTree caps directories', () => {
  it('refuses a server that keeps listing directories, after at most maxDirectories listings', async () => {
    const { client, listed } = endlessDirectories(40)
    await expect(listArtifactTree(client, 'root')).rejects.toThrow(
      `answer is refused: the artifact holds more than ${DEFAULT_TREE_LIMITS.maxDirectories} directories`
    )
    expect(listed.length).toBeLessThanOrEqual(DEFAULT_TREE_LIMITS.maxDirectories)
    // Shallow: depth alone would not have stopped it.
    expect(Math.max(...listed.map(l => l.split('/').length))).toBeLessThan(
      DEFAULT_TREE_LIMITS.maxDepth
    )
  })

  it('takes a tree right at the cap, and counts the root as one directory', async () => {
    const tree: Record<string, { path: string; is_dir: boolean; file_size?: number }[]> = {
      root: [
        { path: 'root/a', is_dir: true },
        { path: 'root/b', is_dir: true }
      ],
      'root/a': [{ path: 'root/a/x', is_dir: false, file_size: 1 }],
      'root/b': [{ path: 'root/b/y', is_dir: false, file_size: 1 }]
    }
    const client = {
      listProxiedArtifacts: (where: string) => Promise.resolve(tree[where] ?? [])
    } as unknown as ArtifactClient
    const limits = { ...DEFAULT_TREE_LIMITS, maxDirectories: 3 }
    await expect(listArtifactTree(client, 'root', limits)).resolves.toMatchObject({
      kind: 'dir',
      files: [{ relpath: 'a/x' }, { relpath: 'b/y' }]
    })
    await expect(
      listArtifactTree(client, 'root', { ...limits, maxDirectories: 2 })
    ).rejects.toThrow('more than 2 directories')
  })
})
