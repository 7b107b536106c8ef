import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../harness/paths.js'

/** The rooms table of docs/architecture.md: room → the rooms it may import. */
function allowedImports(): Map<string, Set<string>> {
  const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8')
  const rows = new Map<string, Set<string>>()
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map(c => c.trim())
    const room = /^`([a-z]+)`$/.exec(cells[1] ?? '')?.[1]
    if (!room || cells.length < 5) continue
    const may = cells[3]!.startsWith('(') ? [] : cells[3]!.split(',').map(s => s.trim())
    rows.set(room, new Set(may))
  }
  return rows
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => path.join(e.parentPath, e.name))
}

/** Every relative import of a file, resolved to a path under the repository. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map(m =>
    path.relative(ROOT, path.resolve(path.dirname(file), m[1]!))
  )
}

describe('the import boundaries docs/architecture.md states', () => {
  const allowed = allowedImports()
  const rooms = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)

  it('name every room in src/, and only those', () => {
    expect([...allowed.keys()].sort()).toEqual([...rooms].sort())
  })

  it.each(rooms)('hold for src/%s', room => {
    const crossings: string[] = []
    for (const file of sources(path.join(ROOT, 'src', room))) {
      for (const target of relativeImports(file)) {
        const [top, other] = target.split(path.sep)
        const where = path.relative(ROOT, file)
        if (top !== 'src') crossings.push(`${where} imports ${target} (outside src/)`)
        else if (other !== room && !allowed.get(room)!.has(other!))
          crossings.push(`${where} imports src/${other}`)
      }
    }
    expect(crossings).toEqual([])
  })

  it('catch a crossing: the check sees a real import of another room', () => {
    // Guards the test itself: promotion does import audit, so the parser finds it.
    const found = sources(path.join(ROOT, 'src', 'promotion')).flatMap(relativeImports)
    expect(found.some(t => t.startsWith(path.join('src', 'audit')))).toBe(true)
    expect(allowed.get('core')).toEqual(new Set())
  })
})
