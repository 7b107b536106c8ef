import { describe, expect, test } from '@jest/globals'
import {
  DEFAULT_LISTING_LIMITS,
  ListingGuard,
  relativeKey,
  singleFile
} from '../../../src/artifacts/stores/guard.js'
import type { ArtifactLocation } from '../../../src/artifacts/types.js'

const location: ArtifactLocation = { uri: 's3://bucket/model', scheme: 's3', via: 'test' }
const guard = (limits = DEFAULT_LISTING_LIMITS): ListingGuard => new ListingGuard(location, limits)

describe('the object-store listing guard', () => {
  test.each([
    ['a climbing segment', '../escape'],
    ['a climbing segment inside', 'a/../../etc/passwd'],
    ['an absolute key', '/etc/passwd'],
    ['an empty segment', 'a//b'],
    ['a dot segment', 'a/./b'],
    ['a newline that would forge a log line', 'forged\nline'],
    ['an ANSI escape', 'a\u001b[31mred'],
    ['a C1 control character', 'a\u009bb'],
    ['a backslash', 'a\\..\\b'],
    ['a segment over 255 bytes', 'x'.repeat(256)]
  ])('refuses %s', (_what, key) => {
    expect(() => guard().add(key, 1)).toThrow(/listing of 's3:\/\/bucket\/model' is refused/)
  })

  test('the refusal prints the name without its control characters', () => {
    expect(() => guard().add('forged\nline', 1)).toThrow(/'forged line'/)
  })

  test('keeps plain names, nested folders and unicode; the folder lists in byte order', () => {
    const g = guard()
    g.add('z.txt', 1)
    g.add('MLmodel', 2)
    g.add('code/ünïcode.py', 3)
    g.add('code/sub/a.py', undefined)
    const listing = g.folder()
    expect(listing.kind).toBe('dir')
    expect(listing.files.map(f => f.relpath)).toEqual([
      'MLmodel',
      'code/sub/a.py',
      'code/ünïcode.py',
      'z.txt'
    ])
  })

  test('refuses a name listed twice, and a name that is both a file and a folder (either order)', () => {
    const twice = guard()
    twice.add('a', 1)
    expect(() => twice.add('a', 1)).toThrow(/names 'a' twice/)
    const fileFirst = guard()
    fileFirst.add('a', 1)
    expect(() => fileFirst.add('a/b', 1)).toThrow(/'a' is both a file and a folder/)
    const folderFirst = guard()
    folderFirst.add('a/b', 1)
    expect(() => folderFirst.add('a', 1)).toThrow(/'a' is both a file and a folder/)
  })

  test('caps files, folders, depth and total size', () => {
    const limits = { maxFiles: 2, maxDirectories: 2, maxDepth: 3, maxTotalBytes: 100 }
    const files = guard(limits)
    files.add('a', 1)
    files.add('b', 1)
    expect(() => files.add('c', 1)).toThrow(/more than 2 files/)
    const dirs = guard(limits)
    dirs.add('d1/x', 1)
    dirs.add('d2/x', 1)
    expect(() => dirs.add('d3/x', 1)).toThrow(/more than 2 folders/)
    expect(() => guard(limits).add('a/b/c/d', 1)).toThrow(/deeper than 3 levels/)
    const size = guard(limits)
    size.add('a', 60)
    expect(() => size.add('b', 41)).toThrow(/larger than 0 MiB/)
    expect(() => guard(limits).add('neg', -1)).toThrow(/has the size -1/)
    expect(() => guard(limits).add('nan', Number.NaN)).toThrow(/has the size NaN/)
  })

  test('a single object lists as one file named by its last segment', () => {
    const listing = singleFile(location, 'runs/1/model.pkl', 5)
    expect(listing).toEqual({ kind: 'file', location, files: [{ relpath: 'model.pkl', size: 5 }] })
  })

  test('a key outside the prefix the store was asked for is refused, not skipped', () => {
    expect(relativeKey(location, 'model/', 'model/MLmodel')).toBe('MLmodel')
    expect(() => relativeKey(location, 'model/', 'other/MLmodel')).toThrow(/outside 'model\/'/)
  })
})
