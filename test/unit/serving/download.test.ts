import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ActionError, FieldError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  manifestDigest,
  openProxyReader,
  type ListingLimits
} from '../../../src/artifacts/index.js'
import {
  abandonDownloads,
  downloadVerified,
  type ExpectedBytes
} from '../../../src/serving/index.js'
import { FakeArtifacts } from './fake-artifacts.js'

const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex')
/** dvc-data's own test vector (tests/hashfile/test_build.py): foo=b"foo", bar=b"bar". */
const FOO_BAR_DIR = '5ea40360f5b4ec688df672a4db9c17d1.dir'

function store(files: Record<string, string>, root = '1/run/artifacts/model'): FakeArtifacts {
  return new FakeArtifacts(
    new Map(Object.entries(files).map(([rel, text]) => [`${root}/${rel}`, Buffer.from(text)]))
  )
}

function place(): { parent: string; dir: string } {
  const parent = mkdtempSync(path.join(os.tmpdir(), 's3rs-dl-'))
  return { parent, dir: path.join(parent, 'model') }
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

const reader = (client: FakeArtifacts, root = '1/run/artifacts/model') =>
  openProxyReader(client, {
    uri: `mlflow-artifacts:/${root}`,
    scheme: 'mlflow-artifacts',
    via: `models:/churn/3 → mlflow-artifacts:/${root}`
  })

/** `sha256:…` is the approved digest; anything else DVC's md5. */
const expect_ = (recorded: string): ExpectedBytes =>
  recorded.startsWith('sha256:')
    ? { kind: 'sha256', digest: recorded }
    : { kind: 'md5', md5: recorded }

const download = (
  client: FakeArtifacts,
  dir: string,
  recorded: string,
  root = '1/run/artifacts/model',
  limits?: ListingLimits
) =>
  downloadVerified({
    reader: reader(client, root),
    expected: expect_(recorded),
    dir,
    logger: new MemoryLogger(),
    ...(limits ? { limits } : {})
  })

/** The approved digest of files given as text. */
const approved = (files: Record<string, string>): string =>
  manifestDigest(Object.entries(files).map(([path, text]) => ({ path, sha256: sha256(text) })))

describe('downloadVerified', () => {
  it("lands a directory whose DVC .dir hash is the recorded one (dvc-data's test vector)", async () => {
    const { parent, dir } = place()
    const result = await download(store({ foo: 'foo', bar: 'bar' }), dir, FOO_BAR_DIR)
    expect(result).toMatchObject({ dir, md5: FOO_BAR_DIR, files: 2, bytes: 6 })
    expect(readFileSync(path.join(dir, 'foo'), 'utf8')).toBe('foo')
    expect(readFileSync(path.join(dir, 'bar'), 'utf8')).toBe('bar')
    expect(readdirSync(parent)).toEqual(['model'])
  })

  it('hashes nested folders by relpath (the derived vector of the reference notes)', async () => {
    const { dir } = place()
    const client = store({ 'a.txt': 'hello\n', 'sub/b.txt': 'world\n' })
    const result = await download(client, dir, '5369cb520f35f5d77e793cf181884a27.dir')
    expect(readFileSync(path.join(dir, 'sub', 'b.txt'), 'utf8')).toBe('world\n')
    expect(result.files).toBe(2)
  })

  it('refuses a mismatch: nothing in DIR, no temporary folder', async () => {
    const { parent, dir } = place()
    const client = store({ foo: 'foo', bar: 'BAR' })
    await expect(download(client, dir, FOO_BAR_DIR)).rejects.toThrow(
      /not the one the audit trail approved: .* is [0-9a-f]{32}\.dir, the audit trail recorded 5ea40360/
    )
    expect(readdirSync(parent)).toEqual([])
  })

  it('leaves nothing when the transfer fails midway', async () => {
    const { parent, dir } = place()
    const client = store({ big: 'x'.repeat(100), small: 'y' })
    client.failAfterChunks = 3
    await expect(download(client, dir, `${'0'.repeat(32)}.dir`)).rejects.toThrow('socket hang up')
    expect(readdirSync(parent)).toEqual([])
  })

  it('refuses a short download (fewer bytes than the listing said)', async () => {
    const { parent, dir } = place()
    const client = store({ foo: 'foo', bar: 'bar' })
    client.listedSizes.set('1/run/artifacts/model/foo', 10)
    await expect(download(client, dir, FOO_BAR_DIR)).rejects.toThrow(
      /'foo' under .* was listed with 10 bytes and the store sent 3/
    )
    expect(readdirSync(parent)).toEqual([])
  })

  it('keeps an empty DIR that was there on failure, and fills it on success', async () => {
    const { parent, dir } = place()
    mkdirSync(dir)
    await expect(download(store({ foo: 'x', bar: 'bar' }), dir, FOO_BAR_DIR)).rejects.toThrow(
      ActionError
    )
    expect(readdirSync(dir)).toEqual([])
    await download(store({ foo: 'foo', bar: 'bar' }), dir, FOO_BAR_DIR)
    expect(readdirSync(dir).sort()).toEqual(['bar', 'foo'])
    expect(readdirSync(parent)).toEqual(['model'])
  })

  it('refuses a non-empty DIR, a file as DIR, and a missing parent, before any request', async () => {
    const { parent, dir } = place()
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'keep.txt'), 'mine')
    const client = store({ foo: 'foo', bar: 'bar' })
    const refusal = download(client, dir, FOO_BAR_DIR)
    await expect(refusal).rejects.toThrow(FieldError)
    await expect(refusal).rejects.toThrow('which is not empty')
    writeFileSync(path.join(parent, 'file'), 'x')
    await expect(download(client, path.join(parent, 'file'), FOO_BAR_DIR)).rejects.toThrow(
      'exists and is not a folder'
    )
    await expect(download(client, path.join(parent, 'no', 'dir'), FOO_BAR_DIR)).rejects.toThrow(
      'does not exist; create it first'
    )
    expect(client.downloads).toEqual([])
    expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine')
  })

  it("refuses a file's md5 for a directory artifact (the other files would go unverified)", async () => {
    const { parent, dir } = place()
    const client = store({ 'model.pkl': 'w', MLmodel: 'flavors: {}' })
    await expect(download(client, dir, md5('w'))).rejects.toThrow(
      "A file's md5 cannot vouch for the other files"
    )
    expect(client.downloads).toEqual([])
    expect(readdirSync(parent)).toEqual([])
  })

  it('lands a single-file artifact under its name when its md5 is the recorded file md5', async () => {
    const { dir } = place()
    const client = store({ 'model.pkl': 'weights' }, '1/run/artifacts')
    const result = await download(client, dir, md5('weights'), '1/run/artifacts/model.pkl')
    expect(readdirSync(dir)).toEqual(['model.pkl'])
    expect(result.compared).toContain(
      "the md5 of the file 'model.pkl' of 'mlflow-artifacts:/1/run/artifacts/model.pkl'"
    )
  })

  it('refuses a recorded md5 that is not DVC-shaped, and an artifact that does not exist', async () => {
    const { dir } = place()
    await expect(download(store({ foo: 'foo' }), dir, 'md5:abc')).rejects.toThrow(
      'is not a DVC md5'
    )
    await expect(download(store({ foo: 'foo' }), dir, 'sha256:abc')).rejects.toThrow(
      'is not an approved digest'
    )
    await expect(
      download(store({ foo: 'foo' }), dir, FOO_BAR_DIR, '1/run/artifacts/gone')
    ).rejects.toThrow('does not exist in the tracking server')
  })

  it.each([
    ['a parent segment', '..'],
    ['an absolute path', '/etc/passwd'],
    ['a path climbing out', 'sub/../../x'],
    ['a NUL', 'a\u0000b'],
    ['a backslash', '..\\x'],
    ['an ANSI escape', '\u001b[2Jx']
  ])('refuses a listing naming %s, writing nothing', async (_what, name) => {
    const { parent, dir } = place()
    const client = store({ foo: 'foo' })
    client.listings.set('1/run/artifacts/model', [{ path: name, is_dir: false, file_size: 1 }])
    const refusal = download(client, dir, FOO_BAR_DIR)
    await expect(refusal).rejects.toThrow(/listing of 'mlflow-artifacts:.*' is refused/)
    // Escaped for the terminal: no control character reaches the message.
    // eslint-disable-next-line no-control-regex
    await expect(refusal).rejects.toThrow(/^[^\u0000-\u001f]*$/)
    expect(client.downloads).toEqual([])
    expect(readdirSync(parent)).toEqual([])
  })

  it('refuses duplicate names, too many files and too many bytes, before any download', async () => {
    const { dir } = place()
    const client = store({ foo: 'foo' })
    client.listings.set('1/run/artifacts/model', [
      { path: 'foo', is_dir: false },
      { path: 'foo', is_dir: false }
    ])
    await expect(download(client, dir, FOO_BAR_DIR)).rejects.toThrow("names 'foo' twice")
    const many = store(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, 'x'])))
    const limits = { maxFiles: 4, maxDirectories: 3, maxDepth: 32, maxTotalBytes: 1000 }
    await expect(download(many, dir, FOO_BAR_DIR, '1/run/artifacts/model', limits)).rejects.toThrow(
      'more than 4 files'
    )
    const large = store({ a: 'x'.repeat(600), b: 'y'.repeat(600) })
    await expect(
      download(large, dir, FOO_BAR_DIR, '1/run/artifacts/model', limits)
    ).rejects.toThrow('larger than')
    expect([many.downloads, large.downloads]).toEqual([[], []])
  })

  it('abandonDownloads removes the temporary folder of a stalled download (the SIGINT path)', async () => {
    const { parent, dir } = place()
    const client = store({ foo: 'foo', bar: 'bar' })
    client.chunk = 1
    let release!: () => void
    let reached!: () => void
    const stalled = new Promise<void>(r => (release = r))
    const atStall = new Promise<void>(r => (reached = r))
    client.beforeChunk = async (_p, i) => {
      if (i === 1) {
        reached()
        await stalled
      }
    }
    const running = download(client, dir, FOO_BAR_DIR)
    await atStall
    const temps = readdirSync(parent)
    expect(temps).toHaveLength(1)
    expect(temps[0]).toMatch(/^\.model\.resolve-/)
    expect(abandonDownloads()).toEqual([path.join(parent, temps[0]!)])
    expect(readdirSync(parent)).toEqual([])
    release()
    await expect(running).rejects.toThrow()
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(parent)).toEqual([])
  })

  it('lands a folder whose approved digest is the recorded one, for any layout', async () => {
    const { parent, dir } = place()
    const files = { MLmodel: 'flavors: {}', 'model.skops': 'weights', 'sub/deeper/x.bin': '' }
    const result = await download(store(files), dir, approved(files))
    expect(result).toMatchObject({ dir, md5: approved(files), digest: approved(files), files: 3 })
    expect(result.compared).toContain('the approved digest')
    expect(readFileSync(path.join(dir, 'sub', 'deeper', 'x.bin'), 'utf8')).toBe('')
    expect(readdirSync(parent)).toEqual(['model'])
  })

  it('refuses one changed byte against the approved digest, with DIR left empty', async () => {
    const { parent, dir } = place()
    mkdirSync(dir)
    const files = { MLmodel: 'flavors: {}', 'model.skops': 'weights' }
    const refusal = download(store({ ...files, 'model.skops': 'weighte' }), dir, approved(files))
    await expect(refusal).rejects.toThrow(
      /not the one the audit trail approved: the approved digest .* is sha256:[0-9a-f]{64}, the audit trail recorded sha256:/
    )
    expect(readdirSync(dir)).toEqual([])
    expect(readdirSync(parent)).toEqual(['model'])
  })

  it('refuses an added or a renamed file against the approved digest', async () => {
    const { dir } = place()
    const files = { a: 'one', b: 'two' }
    await expect(download(store({ ...files, c: '' }), dir, approved(files))).rejects.toThrow(
      'not the one the audit trail approved'
    )
    // The same bytes under swapped names: the digest binds each file's bytes to its path.
    await expect(download(store({ a: 'two', b: 'one' }), dir, approved(files))).rejects.toThrow(
      'not the one the audit trail approved'
    )
    expect(existsSync(dir)).toBe(false)
  })

  it("accepts a file's md5 for a folder holding only that file, as lineage-check compares it", async () => {
    const { dir } = place()
    const result = await download(store({ 'model.pkl': 'weights' }), dir, md5('weights'))
    expect(readdirSync(dir)).toEqual(['model.pkl'])
    expect(result.files).toBe(1)
  })
})
