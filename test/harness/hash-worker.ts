import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { OUTPUT, ROOT } from './paths.js'

let built: URL | undefined

/**
 * src/dvc/hash-worker.ts as a runnable module file, for the unit tests of the HashPool: the
 * TypeScript sources have no hash-worker.js beside the pool (the build emits it into dist/), so
 * the tests bundle the worker themselves, as scripts/build.mjs does, once per test process.
 */
export function builtHashWorker(): URL {
  if (built) return built
  mkdirSync(OUTPUT, { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'hash-worker-'))
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild')
  const outfile = path.join(dir, 'hash-worker.js')
  esbuild.buildSync({
    entryPoints: [path.join(ROOT, 'src', 'dvc', 'hash-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning'
  })
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
  built = pathToFileURL(outfile)
  return built
}
