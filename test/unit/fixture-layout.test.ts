import { expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../harness/paths.js'

// Shared test fixtures live in test/harness/, which every tier may import; test/unit/ is the
// unit tier's own. An integration, dist or bench file reaching into test/unit/ would tie the
// slow tiers to a unit test's helper (issue "One of each": 14 files did).
it('no integration, dist or bench file imports from test/unit/', () => {
  const reaching: string[] = []
  for (const dir of ['test/integration', 'test/dist', 'test/harness', 'bench']) {
    for (const entry of readdirSync(path.join(ROOT, dir), {
      withFileTypes: true,
      recursive: true
    })) {
      if (!entry.isFile() || !/\.(ts|mts|mjs)$/.test(entry.name)) continue
      const file = path.join(entry.parentPath, entry.name)
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1]!))
        if (target.startsWith(path.join('test', 'unit') + path.sep))
          reaching.push(`${path.relative(ROOT, file)} imports ${target}`)
      }
    }
  }
  expect(reaching).toEqual([])
})
