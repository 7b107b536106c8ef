// Bundles each action (actions/<name>/index.ts) and the model-governance command (cli/index.ts)
// with ncc into dist/<name>/index.js, and reports each bundle's size. ncc compiles to ESM because
// package.json says "type": "module" (its CJS mode cannot bundle the ESM-only @actions/*).
// Each bundle is built into a temporary folder and swapped in only when the build succeeds, so a
// failed or concurrent build never leaves a dist/<name> missing.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const only = process.argv.slice(2)
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

const entries = readdirSync(path.join(root, 'actions'))
  .filter(name => existsSync(path.join(root, 'actions', name, 'index.ts')))
  .map(name => ({ name, entry: path.join('actions', name, 'index.ts'), bin: false }))
if (existsSync(path.join(root, 'cli', 'index.ts'))) {
  // The command declared as package.json "bin": same bundling, plus a shebang.
  entries.push({ name: 'cli', entry: path.join('cli', 'index.ts'), bin: true })
}

const rows = []
mkdirSync(path.join(root, 'dist'), { recursive: true })
for (const { name, entry, bin } of entries.filter(
  e => only.length === 0 || only.includes(e.name)
)) {
  const out = path.join(root, 'dist', name)
  const temp = path.join(root, 'dist', `.building-${name}-${process.pid}`)
  rmSync(temp, { recursive: true, force: true })
  try {
    execFileSync(
      process.execPath,
      [
        ncc,
        'build',
        entry,
        '-o',
        temp,
        '--minify',
        '--no-source-map-register',
        '--license',
        'licenses.txt',
        '--quiet'
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
    )
  } catch {
    rmSync(temp, { recursive: true, force: true })
    console.error(`build of ${name} failed (${entry}); dist/${name} is unchanged`)
    process.exit(1)
  }
  // dist/<name>/package.json makes the bundle load as ESM whatever the caller's package.json says.
  writeFileSync(path.join(temp, 'package.json'), '{ "type": "module" }\n')
  const bundle = path.join(temp, 'index.js')
  if (bin) {
    const code = readFileSync(bundle, 'utf8')
    if (!code.startsWith('#!')) writeFileSync(bundle, `#!/usr/bin/env node\n${code}`)
    chmodSync(bundle, 0o755)
  }
  rmSync(out, { recursive: true, force: true })
  renameSync(temp, out)
  rows.push([name, statSync(path.join(out, 'index.js')).size])
}
const width = Math.max(...rows.map(r => r[0].length))
for (const [name, bytes] of rows) {
  console.log(
    `${name.padEnd(width)}  dist/${name}/index.js  ${(bytes / 1024).toFixed(1).padStart(8)} KiB`
  )
}
