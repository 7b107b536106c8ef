// Writes the CLI bundle's SHA-256 next to it, in sha256sum's format ("<hex>  index.js"), so
// `cd dist/cli && sha256sum -c index.js.sha256` checks it, and a release can attach both files.
// scripts/build.mjs calls it after bundling the CLI, so check-dist covers the checksum too.
//   node scripts/cli-checksum.mjs [path/to/index.js]   (default: dist/cli/index.js)
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checksum line for `file`, naming it by its base name (sha256sum -c runs beside it). */
export function checksumLine(file) {
  const hex = createHash('sha256').update(readFileSync(file)).digest('hex')
  return `${hex}  ${path.basename(file)}\n`
}

/** Writes `<file>.sha256` and returns its path. */
export function writeChecksum(file) {
  const out = `${file}.sha256`
  writeFileSync(out, checksumLine(file))
  return out
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(import.meta.dirname, '..')
  const file = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'cli', 'index.js'))
  console.log(path.relative(process.cwd(), writeChecksum(file)))
}
