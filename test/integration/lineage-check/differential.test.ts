import { afterAll, describe, expect, it } from '@jest/globals'
import { silentLogger } from '../../../src/core/logger.js'
import { verifyLineage } from '../../../src/dvc/verify.js'
import { DvcReference } from './dvc-reference.js'
import { mutate } from './mutations.js'
import { generateProject, prng, removeProject, type Project } from './project-generator.js'

/**
 * Differential test: our per-stage, per-path verdict must equal `dvc status --json` from DVC
 * 3.67 itself, on real projects built by `dvc repro`, under seeded random mutations.
 * 2 projects x 150 mutations = 300 cases (the minimum for CI).
 */
const CASES_PER_PROJECT = 150
const SEEDS = [
  { seed: 5001, legacy: false },
  { seed: 5002, legacy: true }
]

async function ourStatus(dir: string): Promise<Record<string, unknown>> {
  const report = await verifyLineage({
    root: dir,
    missingData: 'fail',
    allowExternal: false,
    logger: silentLogger
  })
  return Object.fromEntries(
    report.stages.filter(s => s.dvcStatus.length > 0).map(s => [s.name, s.dvcStatus])
  )
}

describe('lineage verdicts agree with dvc status --json', () => {
  // One DVC process per project, and the projects run concurrently: one per core.
  const references: DvcReference[] = []
  const projects: Project[] = []
  let total = 0

  afterAll(() => {
    for (const r of references) r.close()
    for (const p of projects) removeProject(p)
    console.log(`[lineage-check] differential cases compared with dvc status: ${total}`)
  })

  it.concurrent.each(SEEDS)(
    'project seed $seed (legacy lock: $legacy)',
    async ({ seed, legacy }) => {
      const reference = new DvcReference()
      references.push(reference)
      const project = await generateProject(seed, { legacy, reference })
      projects.push(project)
      // Freshly reproduced: both sides must see the same, nearly clean, state.
      const baseline = await reference.status(project.dir)
      expect(await ourStatus(project.dir)).toEqual(baseline)
      const baselineText = JSON.stringify(sortKeys(baseline))
      const rand = prng(seed * 7919)
      const failures: string[] = []
      let changedCases = 0
      let symlinkCases = 0
      for (let i = 0; i < CASES_PER_PROJECT; i++) {
        const mutation = mutate(project, rand)
        if (mutation.description.startsWith('symlink')) symlinkCases++
        try {
          const [ours, theirs] = [await ourStatus(project.dir), await reference.status(project.dir)]
          total++
          if (JSON.stringify(sortKeys(theirs)) !== baselineText) changedCases++
          if (JSON.stringify(sortKeys(ours)) !== JSON.stringify(sortKeys(theirs))) {
            failures.push(
              `case ${i} (${mutation.description}):\n  ours:  ${JSON.stringify(ours)}\n  dvc:   ${JSON.stringify(theirs)}`
            )
          }
        } finally {
          mutation.restore()
        }
      }
      expect(failures).toEqual([])
      // The mutations must actually have produced changes DVC reports, not only no-ops.
      expect(changedCases).toBeGreaterThan(CASES_PER_PROJECT / 4)
      // Symlinks out of a tracked folder: refused by us, "modified" for DVC, the same status.
      expect(symlinkCases).toBeGreaterThan(0)
      console.log(`[lineage-check] seed ${seed}: ${symlinkCases} symlink-out cases`)
    },
    420_000
  )
})

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)])
    )
  }
  return value
}
