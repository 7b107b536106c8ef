// Bundles the suite with one esbuild pass (npm run bundle):
//  - every action (actions/<name>/index.ts) into dist/<name>/index.js, with the code the actions
//    share split into dist/chunks/ (ESM code splitting), so a change in src/ rewrites the chunks
//    it touches instead of seven 2 MB copies of the same libraries;
//  - the hash worker (src/dvc/hash-worker.ts) into dist/chunks/hash-worker.js, a real module that
//    the pool (src/dvc/hash-pool.ts) loads by URL from beside the chunk that holds it;
//  - the model-governance command (cli/index.ts) into one standalone dist/cli/index.js, which
//    users fetch alone and pin by its SHA-256 (dist/cli/index.js.sha256, docs/cli.md). No worker
//    is emitted beside it: a pool in the CLI hashes on its own thread (hash-pool.ts says why).
// Type-checking is not part of the bundle (esbuild strips types): `npm run typecheck` does it,
// and .ci/run runs both. Minified whitespace, syntax and local identifiers keep the parse time of a cold start low;
// function and class names are kept (keepNames) so a stack trace from a user's run still names
// our functions.
// The output is written to a temporary folder and swapped in only when the build succeeds, so a
// failed build never leaves dist/ half-written.
import { createRequire } from 'node:module'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { writeChecksum } from './cli-checksum.mjs'
import { actionNames } from './lib/actions.mjs'
import { licenseText } from './lib/licenses.mjs'
import {
  STORE_SDKS_MODULE,
  sideEffectFree,
  storeSdkNames,
  storeSdksFromCli,
  undiciSimdParserOnly,
  undiciUsedParts,
  whatwgUrlFromNode
} from './lib/bundle-plugins.mjs'

const root = path.resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const esbuild = require('esbuild')
const started = Date.now()

// ESM output that bundles CommonJS packages needs `require` for Node's builtins: esbuild's shim
// calls the ambient one, which an ES module does not have. Each output file defines it.
const banner = {
  js: "import { createRequire as __mgCreateRequire } from 'node:module'; const require = __mgCreateRequire(import.meta.url);"
}
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner,
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: root
}

const dist = path.join(root, 'dist')
const temp = path.join(root, `.dist-building-${process.pid}`)
rmSync(temp, { recursive: true, force: true })
mkdirSync(temp, { recursive: true })

const HASH_WORKER_IN = path.join('src', 'dvc', 'hash-worker.ts')
const HASH_WORKER_OUT = 'chunks/hash-worker'
const HASH_POOL = 'src/dvc/hash-pool.ts'

// The pool finds its worker as './hash-worker.js' relative to its own module. esbuild decides
// which output holds the pool (a shared chunk today); should that ever be an action's own
// index.js, the worker would not be found and lineage-check would quietly hash on one thread.
// So the build checks it, and fails naming the file.
function workerBesidePool(metafile) {
  const outputs = Object.entries(metafile.outputs)
  const holders = outputs.filter(([, out]) => HASH_POOL in out.inputs).map(([file]) => file)
  const worker = outputs.find(
    ([, out]) => out.entryPoint === HASH_WORKER_IN.split(path.sep).join('/')
  )?.[0]
  if (!worker) throw new Error(`the build emitted no ${HASH_WORKER_OUT}.js`)
  const astray = holders.filter(file => path.dirname(file) !== path.dirname(worker))
  if (holders.length === 0 || astray.length > 0)
    throw new Error(
      `${HASH_POOL} is bundled into ${holders.join(', ') || 'no output'}, not beside ${worker}: its worker would not be found`
    )
}

// The actions find the cloud SDKs in the CLI bundle as '../cli/index.js' (bundle-plugins.mjs):
// every output that holds those loaders must sit one folder below dist/, and the CLI must
// export every loader without running a command when imported so.
function sdkLoadersOneBelowDist(metafile) {
  const holders = Object.entries(metafile.outputs)
    .filter(([, out]) => STORE_SDKS_MODULE in out.inputs)
    .map(([file]) => path.relative(temp, path.resolve(root, file)))
  const astray = holders.filter(file => file.split(path.sep).length !== 2)
  if (holders.length === 0 || astray.length > 0)
    throw new Error(
      `${STORE_SDKS_MODULE} is bundled into ${holders.join(', ') || 'no output'}: '../cli/index.js' would not find the CLI from there`
    )
}
async function cliExportsStoreSdks(cliOut) {
  const { storeSdks } = await import(`${pathToFileURL(cliOut).href}?store-sdks`)
  const missing = storeSdkNames(root).filter(name => typeof storeSdks?.[name] !== 'function')
  if (missing.length > 0)
    throw new Error(`dist/cli/index.js does not export the store SDK loaders ${missing.join(', ')}`)
}

async function build() {
  const actions = actionNames(root)
  const entryPoints = Object.fromEntries([
    ...actions.map(name => [`${name}/index`, path.join('actions', name, 'index.ts')]),
    [HASH_WORKER_OUT, HASH_WORKER_IN]
  ])
  const shared = await esbuild.build({
    ...common,
    plugins: [
      sideEffectFree,
      undiciUsedParts,
      undiciSimdParserOnly,
      whatwgUrlFromNode,
      storeSdksFromCli(root)
    ],
    entryPoints,
    outdir: temp,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]'
  })
  workerBesidePool(shared.metafile)
  sdkLoadersOneBelowDist(shared.metafile)
  const cliOut = path.join(temp, 'cli', 'index.js')
  const cli = await esbuild.build({
    ...common,
    plugins: [sideEffectFree, undiciUsedParts, undiciSimdParserOnly, whatwgUrlFromNode],
    // The ES-module builds first: the AWS SDK and @smithy/* then arrive as dist-es, whose
    // modules esbuild can leave out when nothing uses them (dist-cjs is one CommonJS object it
    // must keep whole). Only those packages resolve differently; the CLI shrinks by ~150 KB.
    mainFields: ['module', 'main'],
    entryPoints: [path.join('cli', 'index.ts')],
    outfile: cliOut,
    banner: { js: `#!/usr/bin/env node\n${banner.js}` }
  })
  // Every output loads as ESM whatever the caller's package.json says.
  writeFileSync(path.join(temp, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(path.join(temp, 'cli', 'package.json'), '{ "type": "module" }\n')
  // The licenses of the bundled packages: one file for the actions, one beside the CLI.
  writeFileSync(path.join(temp, 'licenses.txt'), licenseText(root, shared.metafile))
  writeFileSync(path.join(temp, 'cli', 'licenses.txt'), licenseText(root, cli.metafile))
  chmodSync(cliOut, 0o755)
  await cliExportsStoreSdks(cliOut)
  writeChecksum(cliOut)
  return actions
}

let actions
try {
  actions = await build()
} catch (error) {
  rmSync(temp, { recursive: true, force: true })
  console.error(`the bundle failed; dist/ is unchanged\n${error.message ?? error}`)
  process.exit(1)
}

// Swap in: dist/ holds exactly what this build wrote.
const old = `${dist}.old-${process.pid}`
if (existsSync(dist)) renameSync(dist, old)
renameSync(temp, dist)
rmSync(old, { recursive: true, force: true })

function size(file) {
  return statSync(file).size
}
function total(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += size(path.join(entry.parentPath, entry.name))
  return bytes
}
const kib = bytes => `${(bytes / 1024).toFixed(1).padStart(8)} KiB`
const width = Math.max(...actions.map(a => a.length), 'chunks'.length)
for (const name of actions)
  console.log(`${name.padEnd(width)}  ${kib(size(path.join(dist, name, 'index.js')))}`)
console.log(`${'chunks'.padEnd(width)}  ${kib(total(path.join(dist, 'chunks')))}`)
console.log(`${'cli'.padEnd(width)}  ${kib(size(path.join(dist, 'cli', 'index.js')))}`)
console.log(
  `dist/ in all: ${(total(dist) / 1024 / 1024).toFixed(2)} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`
)
