// Bundles each action (actions/<name>/index.ts) and the model-governance command (cli/index.ts)
// with ncc into dist/<name>/index.js, and reports each bundle's size. TypeScript is type-checked
// and compiled once, by tsc (tsconfig.build.json, into .cache/build); ncc then bundles that
// JavaScript. Handing ncc the .ts entries made every bundle repeat the type-check, which put the
// build over 70 s on two cores. ncc compiles to ESM because
// package.json says "type": "module" (its CJS mode cannot bundle the ESM-only @actions/*).
// Bundles are not minified: terser took about 4.5 s of each bundle's 13 s, which put seven
// bundles over a minute on two cores; unminified they load about 50 ms slower.
// Each bundle is built into a temporary folder and swapped in only when the build succeeds, so a
// failed or concurrent build never leaves a dist/<name> missing.
import { execFile } from 'node:child_process'
import os from 'node:os'
import { promisify } from 'node:util'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { writeChecksum } from './cli-checksum.mjs'
import { actionNames } from './lib/actions.mjs'

const root = path.resolve(import.meta.dirname, '..')
const only = process.argv.slice(2)
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')

// One bundle per action (scripts/lib/actions.mjs: the folders with an action.yml).
const entries = actionNames(root).map(name => ({
  name,
  entry: path.join('actions', name, 'index'),
  bin: false
}))
if (existsSync(path.join(root, 'cli', 'index.ts'))) {
  // The command declared as package.json "bin": same bundling, plus a shebang and its checksum.
  entries.push({ name: 'cli', entry: path.join('cli', 'index'), bin: true })
}

mkdirSync(path.join(root, 'dist'), { recursive: true })
const run = promisify(execFile)

async function bundle({ name, entry, bin }) {
  const out = path.join(root, 'dist', name)
  const temp = path.join(root, 'dist', `.building-${name}-${process.pid}`)
  rmSync(temp, { recursive: true, force: true })
  try {
    await run(
      process.execPath,
      [
        ncc,
        'build',
        // A fixed path relative to the root: the bundle must not depend on the checkout's folder.
        path.join('.cache', 'build', `${entry}.js`),
        '-o',
        temp,
        '--no-source-map-register',
        '--license',
        'licenses.txt',
        '--quiet'
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 }
    )
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    process.stderr.write(String(error.stderr ?? error))
    throw new Error(`build of ${name} failed (${entry}.ts); dist/${name} is unchanged`, {
      cause: error
    })
  }
  // dist/<name>/package.json makes the bundle load as ESM whatever the caller's package.json says.
  writeFileSync(path.join(temp, 'package.json'), '{ "type": "module" }\n')
  const file = path.join(temp, 'index.js')
  if (bin) {
    const code = readFileSync(file, 'utf8')
    if (!code.startsWith('#!')) writeFileSync(file, `#!/usr/bin/env node\n${code}`)
    chmodSync(file, 0o755)
    // index.js.sha256: what users pin when they fetch the bundle alone (docs/cli.md).
    writeChecksum(file)
  }
  rmSync(out, { recursive: true, force: true })
  renameSync(temp, out)
  return [name, statSync(path.join(out, 'index.js')).size]
}

// Incremental (.cache/build/.tsbuildinfo): a rebuild type-checks only what changed.
try {
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root })
} catch (error) {
  process.stderr.write(String(error.stdout ?? '') + String(error.stderr ?? error))
  console.error('type-check failed (tsc -p tsconfig.build.json); dist/ is unchanged')
  process.exit(1)
}

// Bundles are independent: build as many at once as there are cores.
const queue = entries.filter(e => only.length === 0 || only.includes(e.name))
const rows = []
const workers = Array.from(
  { length: Math.min(os.availableParallelism(), queue.length) },
  async () => {
    for (let next = queue.shift(); next; next = queue.shift()) rows.push(await bundle(next))
  }
)
try {
  await Promise.all(workers)
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
rows.sort(
  (a, b) => entries.findIndex(e => e.name === a[0]) - entries.findIndex(e => e.name === b[0])
)
const width = Math.max(...rows.map(r => r[0].length))
for (const [name, bytes] of rows) {
  console.log(
    `${name.padEnd(width)}  dist/${name}/index.js  ${(bytes / 1024).toFixed(1).padStart(8)} KiB`
  )
}
