import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import yaml from 'js-yaml'
import { stringify as toToml } from 'smol-toml'
import { dvcDeclaredMetrics, loadMetricsFiles } from '../../../src/gate/file-sources.js'
import { DVC, OUTPUT } from '../../harness/paths.js'

const run = promisify(execFile)
const PROJECTS = 4

/** Nested metrics with lists, nulls, booleans, strings and empty mappings: everything DVC must filter. */
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/)
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc
    .double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true })
    .filter(v => !Object.is(v, -0))
)
const leaf = fc.oneof(
  number,
  number,
  fc.boolean(),
  fc.stringMatching(/^[a-z]{1,5}$/),
  fc.array(number, { maxLength: 3 })
)
const tree = fc.letrec(tie => ({
  node: fc.dictionary(
    key,
    fc.oneof(
      { depthSize: 'small' },
      leaf,
      leaf,
      tie('node'),
      fc.array(tie('node'), { maxLength: 2 })
    ),
    { minKeys: 0, maxKeys: 5 }
  )
})).node

/** TOML has no null; YAML and JSON get one so the drop is exercised there. */
function withNull(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, nothing: null, empty: {} }
}

describe('DVC metrics flattening against dvc metrics show --json', () => {
  it(`reads generated projects exactly as DVC ${PROJECTS} times over (nested, with lists)`, async () => {
    const samples = fc.sample(fc.tuple(tree, tree, tree), { numRuns: PROJECTS, seed: 4242 })
    mkdirSync(path.join(OUTPUT, 'gate-dvc'), { recursive: true })
    const projects = samples.map(([a, b, c], index) => {
      const dir = mkdtempSync(path.join(OUTPUT, 'gate-dvc', `p${index}-`))
      mkdirSync(path.join(dir, 'eval'))
      writeFileSync(
        path.join(dir, 'metrics.json'),
        JSON.stringify(withNull({ train: a, top: 1 }), null, 2)
      )
      writeFileSync(path.join(dir, 'eval', 'scores.yaml'), yaml.dump(withNull({ eval: b })))
      writeFileSync(path.join(dir, 'eval', 'extra.toml'), toToml({ t: c }))
      // one file declared at the top level, two through a stage with a wdir
      writeFileSync(
        path.join(dir, 'dvc.yaml'),
        yaml.dump({
          metrics: ['metrics.json'],
          stages: {
            evaluate: {
              cmd: 'true',
              wdir: 'eval',
              metrics: [{ 'scores.yaml': { cache: false } }, 'extra.toml']
            }
          }
        })
      )
      return dir
    })
    // dvc init (no git) then one `dvc metrics show --json` per project, two at a time on 2 cores
    const reference: unknown[] = []
    const show = async (dir: string): Promise<unknown> => {
      const env = { ...process.env, DVC_NO_ANALYTICS: '1' }
      await run(DVC, ['init', '--no-scm', '-q'], { cwd: dir, env })
      const { stdout } = await run(DVC, ['metrics', 'show', '--json'], { cwd: dir, env })
      return JSON.parse(stdout) as unknown
    }
    for (let i = 0; i < projects.length; i += 2) {
      reference.push(...(await Promise.all(projects.slice(i, i + 2).map(show))))
    }
    projects.forEach((dir, index) => {
      const shown = reference[index] as {
        '': { data: Record<string, { data?: Record<string, unknown>; error?: unknown }> }
      }
      const declared = dvcDeclaredMetrics(dir)
      expect(declared.sort()).toEqual(Object.keys(shown[''].data).sort())
      for (const loaded of loadMetricsFiles(dir, declared)) {
        const entry = shown[''].data[loaded.file]!
        expect(entry.error).toBeUndefined()
        const ours = Object.fromEntries(loaded.observations.map(o => [o.name, o.value]))
        expect({ file: loaded.file, metrics: ours }).toEqual({
          file: loaded.file,
          metrics: flattenDvc(entry.data ?? {})
        })
      }
    })
  })
})

/** flatten_dict with the "dot" reducer, applied to the already-filtered data DVC printed. */
function flattenDvc(data: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) {
    const name = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flattenDvc(v as Record<string, unknown>, name))
    else out[name] = v
  }
  return out
}
