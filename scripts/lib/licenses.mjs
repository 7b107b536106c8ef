// The licenses of the packages a bundle holds, from esbuild's metafile: each package's name,
// version, license field and LICENSE file text, sorted by name, so dist/ carries the notices
// that MIT, ISC, BSD and Apache-2.0 packages ask to be kept with copies of their code.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** The package folder of a bundled input path, e.g. node_modules/@actions/core. */
function packageDir(input) {
  const parts = input.split('/')
  const at = parts.lastIndexOf('node_modules')
  if (at < 0) return undefined
  const scoped = parts[at + 1]?.startsWith('@')
  return parts.slice(0, at + (scoped ? 3 : 2)).join('/')
}

export function licenseText(root, metafile) {
  const dirs = new Set()
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input)
    if (dir) dirs.add(dir)
  }
  const packages = new Map()
  for (const dir of dirs) {
    const manifest = path.join(root, dir, 'package.json')
    if (!existsSync(manifest)) continue
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
    if (!pkg.name || packages.has(pkg.name)) continue
    const file = readdirSync(path.join(root, dir)).find(f => /^(licen[cs]e|copying)(\.|$)/i.test(f))
    packages.set(pkg.name, {
      version: pkg.version ?? '',
      license: typeof pkg.license === 'string' ? pkg.license : '',
      text: file ? readFileSync(path.join(root, dir, file), 'utf8').trim() : ''
    })
  }
  return [...packages.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => `${name}@${p.version}\n${p.license}\n${p.text}\n`)
    .join('\n')
}
