// The licenses of the packages a bundle holds, from esbuild's metafile: each package's name,
// version, license field and LICENSE file text, so dist/ carries the notices that MIT, ISC, BSD
// and Apache-2.0 packages ask to be kept with copies of their code.
// The terms of a license are written once, under every package that ships them (sorted by name,
// each with its own copyright lines): the AWS SDK alone is some 60 packages with the same
// Apache-2.0 file, which written out each time was 0.4 MB of every licenses.txt.
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
  // Packages are grouped by their license's terms, and each keeps its own copyright lines: the
  // notices MIT, ISC and BSD ask to keep are those lines plus the terms, and most of the ~200
  // texts differ only in them (or in line wrapping). The terms print once under the group.
  const groups = new Map()
  for (const [name, p] of [...packages.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  )) {
    const lines = p.text.split(/\r?\n/)
    const notice = lines.filter(isCopyrightLine).map(line => line.trim())
    const terms = lines
      .filter(line => !isCopyrightLine(line))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
    // Some packages fill the template in or drop it: it does not split a group.
    const key = lines
      .filter(line => !isCopyrightLine(line) && !TEMPLATE_LINE.test(line))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
    const group = groups.get(key) ?? { terms, members: [] }
    const label = `${name}@${p.version}${p.license ? ` (${p.license})` : ''}`
    group.members.push(notice.length > 0 ? `${label}\n  ${notice.join('\n  ')}` : label)
    groups.set(key, group)
  }
  return [...groups.values()]
    .map(
      ({ terms, members }) =>
        `${members.join('\n')}\n\n${terms || '(no license file in the package)'}\n`
    )
    .join(`\n${'-'.repeat(72)}\n\n`)
}

// Apache-2.0's appendix template ("Copyright [yyyy] [name of copyright owner]", or with braces)
// names no one: it stays in the terms.
const TEMPLATE_LINE = /copyright\s*[[{]yyyy[\]}]/i

/** A line that names a copyright holder, which the notice must keep for its own package. */
function isCopyrightLine(line) {
  return /^\s*(copyright\s*(\(c\)|©|\d)|\(c\)\s*\d|©)/i.test(line) && !TEMPLATE_LINE.test(line)
}
