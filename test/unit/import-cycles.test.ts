import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../harness/paths.js'

// No module of src/, actions/ or cli/ may reach itself through its imports, `import type`
// included: a type-only cycle is still two modules that cannot be understood apart, and the
// next value import along it becomes a load-order bug. The fix is to move the shared types
// down into a module both import. (The lint guard for issue "One of each"; eslint's own
// import/no-cycle would need a plugin the project does not carry.)

function sources(): string[] {
  return ['src', 'actions', 'cli'].flatMap(dir =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter(e => e.isFile() && e.name.endsWith('.ts'))
      .map(e => path.relative(ROOT, path.join(e.parentPath, e.name)))
  )
}

/** Static imports and re-exports (type-only too); a dynamic import() loads later and is no cycle. */
export function importsOf(file: string, text: string): string[] {
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s*'(\.[^']+)'/gms),
    ...text.matchAll(/^\s*import\s*'(\.[^']+)'/gm)
  ]
  return found.map(m =>
    path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1]!)).replace(/\.js$/, '.ts')
  )
}

/** Every cycle, each once, as the list of its modules from its smallest name. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>()
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next))
        const start = cycle.indexOf([...cycle].sort()[0]!)
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)]
        found.set(canonical.join(' → '), canonical)
      } else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node)
  return [...found.values()]
}

describe('import cycles', () => {
  it('the detector sees a cycle through type-only imports, and none in a chain', () => {
    const a = importsOf('src/x/a.ts', "import type { B } from './b.js'\n")
    const b = importsOf('src/x/b.ts', "export { a } from './a.js'\n")
    expect(a).toEqual(['src/x/b.ts'])
    expect(
      cycles(
        new Map([
          ['src/x/a.ts', a],
          ['src/x/b.ts', b]
        ])
      )
    ).toEqual([['src/x/a.ts', 'src/x/b.ts']])
    expect(
      cycles(
        new Map([
          ['src/x/a.ts', a],
          ['src/x/b.ts', []]
        ])
      )
    ).toEqual([])
    expect(importsOf('src/x/a.ts', "const m = await import('./b.js')\n")).toEqual([])
  })

  it('none in src/, actions/ or cli/', () => {
    const graph = new Map(
      sources().map(file => [file, importsOf(file, readFileSync(path.join(ROOT, file), 'utf8'))])
    )
    expect(graph.size).toBeGreaterThan(100)
    expect(cycles(graph).map(c => c.join(' → '))).toEqual([])
  })
})
