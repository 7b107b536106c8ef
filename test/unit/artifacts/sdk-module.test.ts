import { describe, expect, test } from '@jest/globals'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { sdkExports } from '../../../src/artifacts/stores/sdk-module.js'
import { ROOT } from '../../harness/paths.js'

class Client {}

describe('sdkExports: a store SDK from a dynamic import, however it is bundled', () => {
  test('takes the named exports as Node loads them (the tests import src/ this way)', () => {
    const loaded = { S3Client: Client, GetObjectCommand: Client }
    expect(sdkExports(loaded, ['S3Client'], 'sdk').S3Client).toBe(Client)
  })

  test("takes them from `default` when that is the module's only export (esbuild's split chunk of a CommonJS package)", () => {
    const loaded = { default: { S3Client: Client, GetObjectCommand: Client } } as unknown as {
      S3Client: typeof Client
      GetObjectCommand: typeof Client
    }
    const got = sdkExports(loaded, ['S3Client', 'GetObjectCommand'], 'sdk')
    expect(got.S3Client).toBe(Client)
    expect(got.GetObjectCommand).toBe(Client)
  })

  test('a name found in neither shape is named as a build problem, not a user error', () => {
    const loaded = { default: { S3Client: Client } } as unknown as {
      S3Client: typeof Client
      HeadObjectCommand: typeof Client
    }
    expect(() => sdkExports(loaded, ['S3Client', 'HeadObjectCommand'], '@aws-sdk/x')).toThrow(
      '@aws-sdk/x loaded without HeadObjectCommand: this build of the suite bundles it wrongly'
    )
  })

  // The bug as the actions' bundle had it: scripts/build.mjs's esbuild settings (ESM, code
  // splitting) put @aws-sdk/client-s3 in a chunk that exports only `default`.
  test('in an esbuild split ESM bundle like dist/, a plain destructuring import of @aws-sdk/client-s3 gets nothing, and sdkExports gets the client', async () => {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild')
    const out = mkdtempSync(path.join(os.tmpdir(), 'sdk-module-'))
    try {
      const entry = path.join(out, 'entry.ts')
      writeFileSync(
        entry,
        [
          `import { sdkExports } from ${JSON.stringify(path.join(ROOT, 'src/artifacts/stores/sdk-module.ts'))}`,
          "export const plain = async () => (await import('@aws-sdk/client-s3')).S3Client",
          "export const fixed = async () => sdkExports(await import('@aws-sdk/client-s3'), ['S3Client'], 's3').S3Client"
        ].join('\n')
      )
      await esbuild.build({
        entryPoints: [entry],
        outdir: out,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outExtension: { '.js': '.mjs' },
        nodePaths: [path.join(ROOT, 'node_modules')],
        banner: {
          js: "import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);"
        },
        logLevel: 'silent'
      })
      const bundle = (await import(pathToFileURL(path.join(out, 'entry.mjs')).href)) as {
        plain: () => Promise<unknown>
        fixed: () => Promise<unknown>
      }
      expect(await bundle.plain()).toBeUndefined()
      expect(typeof (await bundle.fixed())).toBe('function')
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 60_000)
})
