import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { VERSION } from '../../src/cli/help.js'
import { ROOT } from '../harness/paths.js'

interface PackageJson {
  name: string
  version: string
  private?: boolean
  bin: Record<string, string>
  files: string[]
  scripts: Record<string, string>
  dependencies?: Record<string, string>
  publishConfig: Record<string, unknown>
  repository: { type: string; url: string }
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson

/** What `npm pack` would put in the tarball, from npm itself (no scripts, a throwaway cache). */
function packedFiles(): string[] {
  const cache = mkdtempSync(path.join(os.tmpdir(), 's3ds-pack-cache-'))
  try {
    const out = execFileSync(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline', '--cache', cache],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }
    )
    const [report] = JSON.parse(out) as [{ files: { path: string }[] }]
    return report.files.map(f => f.path).sort()
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}

describe('the published package (docs/releasing.md#publishing-the-cli)', () => {
  it('is scoped to the organisation that owns the repository, public, with provenance', () => {
    // An unscoped name is anyone's to take on npm: `npx model-governance` ran whatever held it.
    expect(pkg.name).toBe('@acme-ml/model-governance')
    expect(pkg.private).toBeUndefined()
    expect(pkg.publishConfig).toEqual({
      access: 'public',
      provenance: true,
      registry: 'https://registry.npmjs.org/'
    })
    expect(pkg.repository.url).toBe('git+https://github.com/acme-ml/model-governance.git')
  })

  it('packs only the CLI bundle, its checksum and licences, and the docs', () => {
    const expected = [
      'CHANGELOG.md',
      'README.md',
      'dist/cli/index.js',
      'dist/cli/index.js.sha256',
      'dist/cli/licenses.txt',
      'dist/cli/package.json',
      'docs/cli.md',
      'package.json',
      ...(existsSync(path.join(ROOT, 'LICENSE')) ? ['LICENSE'] : [])
    ].sort()
    expect(packedFiles()).toEqual(expected)
  }, 60_000)

  it('declares bin as a committed, executable file that starts with a node shebang', () => {
    expect(Object.keys(pkg.bin)).toEqual(['model-governance'])
    const bin = pkg.bin['model-governance']!
    expect(pkg.files).toContain(bin)
    const staged = execFileSync('git', ['ls-files', '--stage', '--', bin], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    // Mode 100755: npm links the bin as is, and the git checkout npx makes keeps the mode.
    expect(staged).toMatch(/^100755 [0-9a-f]{40} 0\tdist\/cli\/index\.js\n$/)
    expect(readFileSync(path.join(ROOT, bin), 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node')
  })

  it('is the version the command prints (both are the release tag without v)', () => {
    expect(VERSION).toBe(pkg.version)
  })

  it('installs nothing besides the self-contained bundle', () => {
    // esbuild bundles every library into dist/cli/index.js; a dependency would only add packages
    // (and their install scripts) resolved from the registry on the user's machine.
    expect(pkg.dependencies ?? {}).toEqual({})
  })

  it('has no script that makes npm prepare it as a git dependency', () => {
    // `npx github:acme-ml/model-governance#<sha>` fetches the commit; when package.json has any
    // of these scripts, npm first runs `npm install` there, i.e. every devDependency
    // (pacote's git fetcher). The bundle is committed, so nothing needs preparing.
    for (const script of ['build', 'prepare', 'prepack', 'preinstall', 'install', 'postinstall'])
      expect(Object.keys(pkg.scripts)).not.toContain(script)
  })
})
