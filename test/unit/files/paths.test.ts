import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { ConfigurationError } from '../../../src/core/errors.js'
import { guardPath, guardRoot, requireAccepted } from '../../../src/files/paths.js'
import { readAcceptedSync } from '../../../src/files/read.js'

/**
 * The path guard under random input. A project with the shapes that matter: a file, a folder,
 * a symlink inside, a symlink to outside, a FIFO, and a symlink to a device.
 */
const top = mkdtempSync(path.join(os.tmpdir(), 'guard-fuzz-'))
const root = path.join(top, 'project')
const outside = path.join(top, 'outside')
mkdirSync(path.join(root, 'a', 'b'), { recursive: true })
mkdirSync(outside)
const SECRET = 'fuzz-secret-7f3a'
writeFileSync(path.join(outside, 'secret.txt'), SECRET)
writeFileSync(path.join(root, 'a', 'file.txt'), 'inside\n')
symlinkSync(path.join(root, 'a'), path.join(root, 'link-in'))
symlinkSync(outside, path.join(root, 'link-out'))
symlinkSync('/dev/zero', path.join(root, 'zero'))
const fifo = spawnSync('mkfifo', [path.join(root, 'pipe')])
const base = guardRoot(root)
const realRoot = realpathSync(root)

afterAll(() => rmSync(top, { recursive: true, force: true }))

const within = (parent: string, target: string): boolean => {
  const rel = path.relative(parent, target)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/** Where a path lands once every symlink on the way is resolved (as far as it exists). */
function landing(abs: string): string {
  const rest: string[] = []
  let at = abs
  for (;;) {
    try {
      return path.join(realpathSync(at), ...rest.reverse())
    } catch {
      if (path.dirname(at) === at) return abs
      rest.push(path.basename(at))
      at = path.dirname(at)
    }
  }
}

/** Paths built from the pieces that break naive guards, joined by either separator. */
const segment = fc.constantFrom(
  '..',
  '.',
  '',
  'a',
  'b',
  'file.txt',
  'link-in',
  'link-out',
  'secret.txt',
  'pipe',
  'zero',
  'C:',
  '~',
  '%2e%2e',
  '\0',
  '…',
  'é/..'
)
const structured = fc
  .tuple(
    fc.constantFrom('', '/', '\\', 'C:\\', '//'),
    fc.array(segment, { minLength: 0, maxLength: 7 }),
    fc.constantFrom('/', '\\')
  )
  .map(([lead, parts, sep]) => lead + parts.join(sep))
const anyPath = fc.oneof(structured, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary' }))
const wdir = fc.constantFrom('.', 'a', 'a/b', 'link-in', '../x', '/abs', 'link-out')

describe('the path guard, fuzzed', () => {
  it('never throws, and never accepts a path outside the project (10,000 cases)', () => {
    let accepted = 0
    fc.assert(
      fc.property(anyPath, wdir, fc.boolean(), (written, dir, absoluteInside) => {
        const safe = guardPath(base, written, { wdir: dir, allowExternal: false, absoluteInside })
        if (!safe.ok) return
        accepted++
        expect(within(root, safe.abs)).toBe(true)
        expect(within(realRoot, landing(safe.abs))).toBe(true)
        expect(safe.external).toBe(false)
        expect(written.includes('\0')).toBe(false)
        if (!absoluteInside) expect(path.isAbsolute(written)).toBe(false)
      }),
      { numRuns: 10_000, seed: 20261201 }
    )
    // The property must have been exercised on both sides.
    expect(accepted).toBeGreaterThan(500)
  })

  it('reading what it accepts throws only ConfigurationErrors, never blocks, never shows outside contents (5,000 cases)', () => {
    const started = Date.now()
    let refusals = 0
    fc.assert(
      fc.property(anyPath, wdir, fc.boolean(), (written, dir, allowExternal) => {
        try {
          const safe = requireAccepted(
            guardPath(base, written, { wdir: dir, allowExternal }),
            `file ${JSON.stringify(written)}`
          )
          const bytes = readAcceptedSync(safe, { display: 'the file', limit: 1024 * 1024 })
          // Outside contents are only ever read when allow-external names the case.
          if (bytes?.toString('utf8').includes(SECRET)) expect(allowExternal).toBe(true)
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw error
          refusals++
          expect(error.message).not.toContain(SECRET)
        }
      }),
      { numRuns: 5_000, seed: 7 }
    )
    expect(refusals).toBeGreaterThan(1_000)
    expect(Date.now() - started).toBeLessThan(60_000)
  })
})

describe('reading only regular files', () => {
  const read = (written: string, allowExternal = false, limit?: number): Buffer | undefined =>
    readAcceptedSync(requireAccepted(guardPath(base, written, { allowExternal }), written), {
      display: written,
      ...(limit ? { limit } : {})
    })

  it('refuses a FIFO without blocking (nothing ever writes to it)', () => {
    expect(fifo.status).toBe(0)
    expect(() => read('pipe')).toThrow('pipe is a FIFO (named pipe); only regular files are read')
    expect(() => read('a/../pipe')).toThrow(ConfigurationError)
  })

  it('refuses a device even when allow-external lets the symlink to it be followed', () => {
    expect(() => read('zero')).toThrow('resolves through a symlink to outside the project')
    expect(() => read('zero', true)).toThrow('zero is a device; only regular files are read')
  })

  it('refuses a directory and a file over the limit; reads a regular file; missing is undefined', () => {
    expect(() => read('a')).toThrow('a is a directory')
    expect(() => read('a/file.txt', false, 3)).toThrow('over the 3-byte limit')
    expect(read('a/file.txt')?.toString()).toBe('inside\n')
    expect(read('a/none.txt')).toBeUndefined()
  })
})

describe('the path guard, by example', () => {
  it.each([
    ['../outside/secret.txt', '.', 'parent-reference'],
    ['a/../../outside/secret.txt', '.', 'parent-reference'],
    ['../../outside/secret.txt', 'a', 'parent-reference'],
    ['x', '../outside', 'parent-reference'],
    [path.join(outside, 'secret.txt'), '.', 'absolute'],
    ['link-out/secret.txt', '.', 'symlink-escape'],
    ['secret.txt', 'link-out', 'symlink-escape'],
    ['zero', '.', 'symlink-escape'],
    ['a\0b', '.', 'invalid']
  ])('refuses %s (wdir %s): %s', (written, dir, why) => {
    expect(guardPath(base, written, { wdir: dir, allowExternal: false })).toMatchObject({
      ok: false,
      why
    })
  })

  it.each([
    ['a/file.txt', '.'],
    ['../file.txt', 'a/b'],
    ['a/b/../file.txt', '.'],
    ['link-in/file.txt', '.'],
    ['missing/deeper.txt', '.']
  ])('accepts %s (wdir %s), which stays inside', (written, dir) => {
    expect(guardPath(base, written, { wdir: dir, allowExternal: false })).toMatchObject({
      ok: true,
      external: false
    })
  })

  it('accepts an absolute input path only when asked to and only inside the root', () => {
    const inside = path.join(root, 'a', 'file.txt')
    expect(guardPath(base, inside, { allowExternal: false })).toMatchObject({ ok: false })
    expect(guardPath(base, inside, { allowExternal: false, absoluteInside: true })).toMatchObject({
      ok: true,
      abs: inside
    })
    expect(
      guardPath(base, path.join(outside, 'secret.txt'), {
        allowExternal: false,
        absoluteInside: true
      })
    ).toMatchObject({ ok: false, why: 'absolute' })
  })

  it('says why in the error, names the path, and with allow-external marks the path external', () => {
    expect(() =>
      requireAccepted(
        guardPath(base, 'link-out/secret.txt', { allowExternal: false }),
        'vars file link-out/secret.txt',
        { file: 'dvc.yaml', line: 3 }
      )
    ).toThrow(
      /^dvc\.yaml:3: vars file link-out\/secret\.txt resolves through a symlink to outside the project; it was not read \(set allow-external: true/
    )
    expect(guardPath(base, 'link-out/secret.txt', { allowExternal: true })).toMatchObject({
      ok: true,
      external: true,
      why: 'symlink-escape'
    })
  })
})
