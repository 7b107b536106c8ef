// Bundles each action with ncc into dist/<name>/index.js and reports each bundle's size.
// ncc compiles to ESM because package.json says "type": "module" (its CJS mode cannot bundle
// the ESM-only @actions/* packages).
import { execFileSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const only = process.argv.slice(2)
const actions = readdirSync(path.join(root, 'actions')).filter(
  name => existsSync(path.join(root, 'actions', name, 'index.ts')) && (only.length === 0 || only.includes(name))
)
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const rows = []
for (const name of actions) {
  const out = path.join(root, 'dist', name)
  rmSync(out, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', path.join('actions', name, 'index.ts'), '-o', out, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  // dist/package.json makes the bundle load as ESM whatever the caller's nearest package.json says.
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n')
  const bytes = statSync(path.join(out, 'index.js')).size
  rows.push([name, bytes])
}
// The model-governance command (package.json "bin") is bundled the same way, with a shebang.
if (only.length === 0 || only.includes('cli')) {
  const out = path.join(root, 'dist', 'cli')
  rmSync(out, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', path.join('cli', 'index.ts'), '-o', out, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n')
  const bundle = path.join(out, 'index.js')
  const code = readFileSync(bundle, 'utf8')
  if (!code.startsWith('#!')) writeFileSync(bundle, `#!/usr/bin/env node\n${code}`)
  chmodSync(bundle, 0o755)
  rows.push(['cli', statSync(bundle).size])
}
mkdirSync(path.join(root, 'dist'), { recursive: true })
const width = Math.max(...rows.map(r => r[0].length))
for (const [name, bytes] of rows) {
  console.log(`${name.padEnd(width)}  dist/${name}/index.js  ${(bytes / 1024).toFixed(1).padStart(8)} KiB`)
}
