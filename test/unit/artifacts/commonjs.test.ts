import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from '@jest/globals'
import { commonJsExports } from '../../../src/artifacts/stores/commonjs.js'
import { ROOT } from '../../harness/paths.js'

const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild')

/**
 * The actions' bundle loads the AWS SDK (CommonJS) with `await import()` in a chunk of its own,
 * which exports only `default`: the S3 reader destructured undefined from it ("e is not a
 * constructor" in every bundled S3 read, seen through the seed flow in act). Built here as
 * scripts/build.mjs builds the actions (ESM, code splitting) from a CommonJS package of its own.
 */
describe('commonJsExports', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-commonjs-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function bundleAndRun(entry: string): Promise<string> {
    const pkg = path.join(dir, 'node_modules', 'cjs-sdk')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(path.join(pkg, 'package.json'), '{"name":"cjs-sdk","main":"index.js"}')
    writeFileSync(
      path.join(pkg, 'index.js'),
      'exports.Client = class Client { constructor() { this.ok = "constructed" } }\n'
    )
    const file = path.join(dir, `${entry.length}-entry.ts`)
    writeFileSync(file, entry)
    const outdir = mkdtempSync(path.join(dir, 'out-'))
    await esbuild.build({
      entryPoints: { main: file },
      bundle: true,
      platform: 'node',
      format: 'esm',
      splitting: true,
      outdir,
      logLevel: 'silent'
    })
    writeFileSync(path.join(outdir, 'package.json'), '{"type":"module"}')
    try {
      return execFileSync(process.execPath, [path.join(outdir, 'main.js')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      }).trim()
    } catch (error) {
      return `failed: ${String((error as { stderr?: string }).stderr)}`
    }
  }

  test('the bundle: a named export destructured from the chunk is undefined; through commonJsExports it is the class', async () => {
    const helper = path.join(ROOT, 'src', 'artifacts', 'stores', 'commonjs.ts')
    expect(
      await bundleAndRun(
        'const { Client } = await import("cjs-sdk")\nconsole.log(new Client().ok)\n'
      )
    ).toMatch(/failed: .*Client is not a constructor/s)
    expect(
      await bundleAndRun(
        `import { commonJsExports } from ${JSON.stringify(helper)}\n` +
          'const { Client } = commonJsExports(await import("cjs-sdk"))\nconsole.log(new Client().ok)\n'
      )
    ).toBe('constructed')
  }, 30_000)

  test('Node: the AWS SDK loaded by import() gives its classes through it', async () => {
    const sdk = commonJsExports(await import('@aws-sdk/client-s3'))
    expect(typeof sdk.S3Client).toBe('function')
    expect(typeof sdk.ListObjectsV2Command).toBe('function')
  }, 30_000)

  test('a namespace without an object default is returned as it is', () => {
    const namespace = { Client: class {}, default: undefined }
    expect(commonJsExports(namespace)).toBe(namespace)
    const esm = { Client: class {} }
    expect(commonJsExports(esm)).toBe(esm)
  })
})
