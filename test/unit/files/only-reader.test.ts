import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../harness/paths.js'

/**
 * src/files is the only way lineage-check, validate-metrics and the policy loader open a file
 * from the repository. This keeps it so: any other file-opening call in those rooms fails here,
 * naming the file, so a new reader cannot bypass the path guard and the caps by accident.
 */
const ROOMS = [
  'src/dvc',
  'src/gate',
  'src/policy',
  'actions/lineage-check',
  'actions/validate-metrics'
]
const OPENERS =
  /\b(readFileSync|readFile|openSync|open|createReadStream|opendirSync)\s*\(|from 'node:fs\/promises'/

/**
 * The exceptions, and why. Hashing opens the files the guard accepted (paths from checkData and
 * the guarded walk) on worker threads, which cannot import modules: its open is non-blocking and
 * refuses anything but a regular file itself. The MLflow link (artifact-md5.ts) hashes a temp file it just wrote.
 */
const ALLOWED: Record<string, RegExp> = {
  'src/dvc/hash-file.ts': /deps\.fs\.openSync\(file, /,
  'src/dvc/artifact-md5.ts': /hashFilesSync\(/,
  'src/dvc/targets.ts': /from 'node:fs\/promises'/
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : []
  )
}

describe('file reads go through src/files', () => {
  it('no other module of lineage-check, validate-metrics or the policy loader opens a file', () => {
    const offenders: string[] = []
    const files = ROOMS.flatMap(sources)
    expect(files.length).toBeGreaterThan(30)
    for (const file of files) {
      readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line) || !OPENERS.test(line)) return
          if (ALLOWED[file]?.test(line)) return
          offenders.push(`${file}:${i + 1}: ${line.trim()}`)
        })
    }
    expect(offenders).toEqual([])
  })

  it('the exceptions are still where this test says (so the list cannot go stale)', () => {
    for (const [file, pattern] of Object.entries(ALLOWED))
      expect(readFileSync(path.join(ROOT, file), 'utf8')).toMatch(pattern)
  })
})
