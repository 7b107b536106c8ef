import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { VERSION } from '../../src/cli/help.js'
import { NODE_VERSIONS, nodeBinary } from '../harness/dist-runner.js'
import { OUTPUT, ROOT } from '../harness/paths.js'

// The two pinned ways docs/cli.md#installing-the-cli-pinned gives users, run as written there.
const BUNDLE = path.join(ROOT, 'dist', 'cli', 'index.js')
const CHECKSUM = `${BUNDLE}.sha256`

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

function scratch(prefix: string): string {
  mkdirSync(path.join(OUTPUT, 'cli-install'), { recursive: true })
  return mkdtempSync(path.join(OUTPUT, 'cli-install', `${prefix}-`))
}

describe('dist/cli/index.js.sha256', () => {
  it('is the bundle committed beside it, in the format sha256sum -c reads', () => {
    expect(readFileSync(CHECKSUM, 'utf8')).toBe(`${sha256(BUNDLE)}  index.js\n`)
    const check = spawnSync('sha256sum', ['-c', 'index.js.sha256'], {
      cwd: path.dirname(BUNDLE),
      encoding: 'utf8'
    })
    expect(check.stdout).toBe('index.js: OK\n')
    expect(check.status).toBe(0)
  })
})

describe('the single-file bundle, pinned by its sha256', () => {
  // As a user fetches it: alone, renamed .mjs (ESM whatever package.json is around it), its hash
  // pinned in the user's own repository rather than read from the same place as the file.
  const pinned = readFileSync(CHECKSUM, 'utf8').split(' ')[0]!

  it.each(NODE_VERSIONS)('passes the check and runs under %s from any folder', node => {
    const dir = scratch('bundle')
    copyFileSync(BUNDLE, path.join(dir, 'model-governance.mjs'))
    writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}\n')
    const check = spawnSync('sha256sum', ['-c', '-'], {
      cwd: dir,
      input: `${pinned}  model-governance.mjs\n`,
      encoding: 'utf8'
    })
    expect(check.status).toBe(0)
    const run = spawnSync(nodeBinary(node), ['model-governance.mjs', '--version'], {
      cwd: dir,
      encoding: 'utf8'
    })
    expect(run.stdout).toBe(`${VERSION}\n`)
    expect(run.status).toBe(0)
  })

  it('is fetched by the Node one-liner of the docs where there is no curl (node:24-slim)', async () => {
    // The program exactly as docs/cli.md gives it, run against a local server for the bundle.
    const docs = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8')
    const program = /node -e '(fetch\(process\.argv\[1\]\)[^']+)'/.exec(docs)?.[1]
    expect(program).toBeDefined()
    const server = http.createServer((req, res) => {
      if (req.url === '/dist/cli/index.js') res.end(readFileSync(BUNDLE))
      else res.writeHead(404).end('no such file')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const dir = scratch('fetch')
    const fetchTo = (url: string): Promise<{ code: number | null; err: string }> =>
      new Promise(resolve => {
        const child = spawn(nodeBinary('node24'), ['-e', program!, url, 'model-governance.mjs'], {
          cwd: dir
        })
        let err = ''
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
        child.on('close', code => resolve({ code, err }))
      })
    try {
      const ok = await fetchTo(`${base}/dist/cli/index.js`)
      expect(ok.code).toBe(0)
      expect(sha256(path.join(dir, 'model-governance.mjs'))).toBe(pinned)
      // A failed download exits non-zero and writes no file for sha256sum to pass.
      rmSync(path.join(dir, 'model-governance.mjs'))
      const missing = await fetchTo(`${base}/nope`)
      expect(missing.code).not.toBe(0)
      expect(missing.err).toContain('HTTP 404')
      expect(existsSync(path.join(dir, 'model-governance.mjs'))).toBe(false)
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  })

  it('refuses a bundle changed by one byte', () => {
    const dir = scratch('tampered')
    const code = readFileSync(BUNDLE)
    const at = code.length - 2
    code.writeUInt8(code.readUInt8(at) ^ 1, at)
    writeFileSync(path.join(dir, 'model-governance.mjs'), code)
    const check = spawnSync('sha256sum', ['-c', '-'], {
      cwd: dir,
      input: `${pinned}  model-governance.mjs\n`,
      encoding: 'utf8'
    })
    expect(check.stdout).toContain('model-governance.mjs: FAILED')
    expect(check.status).not.toBe(0)
  })
})

describe('npx of the repository at a full commit', () => {
  it('runs the committed bundle through package.json bin, offline, installing nothing else', () => {
    // A repository holding what `npm pack` ships (the CLI's files and this package.json), so
    // npm resolves bin from a real git commit exactly as for github:<owner>/<repo>#<sha>; npm's
    // cache is a fresh folder and --offline forbids the registry: nothing may be fetched.
    const dir = scratch('npx')
    const work = path.join(dir, 'repo')
    for (const file of [
      'package.json',
      'README.md',
      'dist/cli/index.js',
      'dist/cli/index.js.sha256',
      'dist/cli/package.json',
      'dist/cli/licenses.txt'
    ]) {
      mkdirSync(path.dirname(path.join(work, file)), { recursive: true })
      copyFileSync(path.join(ROOT, file), path.join(work, file))
    }
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync(
        'git',
        ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args],
        { cwd, encoding: 'utf8' }
      ).trim()
    git(work, 'init', '--quiet')
    git(work, 'add', '.')
    git(work, 'commit', '--quiet', '-m', 'release')
    const sha = git(work, 'rev-parse', 'HEAD')
    git(dir, 'clone', '--quiet', '--bare', work, 'model-governance.git')
    const cache = mkdtempSync(path.join(os.tmpdir(), 's3ds-npx-cache-'))
    const cwd = path.join(dir, 'user')
    mkdirSync(cwd)
    try {
      const spec = `git+file://${path.join(dir, 'model-governance.git')}#${sha}`
      const run = spawnSync(
        'npm',
        ['exec', '--yes', '--offline', '--cache', cache, `--package=${spec}`, '--', 'model-governance', '--version'],
        { cwd, encoding: 'utf8', timeout: 110_000, env: { ...process.env, npm_config_update_notifier: 'false' } }
      )
      expect(run.stderr).not.toMatch(/ERR!/)
      expect(run.stdout.trim().split('\n').pop()).toBe(VERSION)
      expect(run.status).toBe(0)
      // Only the package itself was installed: no dependency came along.
      const installed = execFileSync('find', [path.join(cache, '_npx'), '-name', 'package.json', '-path', '*/node_modules/*', '-not', '-path', '*/dist/*'], { encoding: 'utf8' })
        .trim()
        .split('\n')
      expect(installed).toHaveLength(1)
      expect(installed[0]).toMatch(/node_modules\/@acme-ml\/model-governance\/package\.json$/)
    } finally {
      rmSync(cache, { recursive: true, force: true })
    }
  })
})
