import { appendFileSync, existsSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { silentLogger } from '../../../src/core/logger.js'
import { runLineageCheck } from '../../../src/dvc/lineage-check.js'
import { verifyLineage } from '../../../src/dvc/verify.js'
import { createGitRunner } from '../../../src/git/git.js'
import { DvcReference } from './dvc-reference.js'
import { prng, run } from './project-generator.js'
import { cleanClone, SEED_ABSENT, seedLikeProject } from './seed-project.js'
import { statusFrom } from './status-from.js'

/**
 * missing-data: lock-only on a clean clone (`git clone` of a project whose data is DVC-tracked and
 * not pulled), compared with DVC 3.67's own `dvc status --json` in that clone: every present file
 * (code, params, metrics, a helper folder) gets DVC's verdict, and only the absent DVC-cached data
 * is "not checked", by name.
 */
const CASES = 40

/** `beyondDvc`: a change `dvc status` does not report but lineage-check fails (cross-stage md5). */
type Mutation = { description: string; apply: (dir: string) => void; beyondDvc?: boolean }

const MUTATIONS: Mutation[] = [
  {
    description: 'train.py edited',
    apply: d => appendFileSync(path.join(d, 'train.py'), '# tuned\n')
  },
  {
    description: 'param changed',
    apply: d =>
      writeFileSync(path.join(d, 'params.yaml'), 'train:\n  n_estimators: 11\n  seed: 7\n')
  },
  {
    description: 'unused param changed',
    apply: d =>
      writeFileSync(path.join(d, 'params.yaml'), 'train:\n  n_estimators: 10\n  seed: 8\n')
  },
  {
    description: 'metrics.json edited',
    apply: d => writeFileSync(path.join(d, 'metrics.json'), '{"rows": 99}')
  },
  { description: 'metrics.json deleted', apply: d => unlinkSync(path.join(d, 'metrics.json')) },
  { description: 'train.py deleted', apply: d => unlinkSync(path.join(d, 'train.py')) },
  {
    description: 'helper edited',
    apply: d => appendFileSync(path.join(d, 'src/helper.py'), '# x\n')
  },
  {
    description: 'file added to src',
    apply: d => writeFileSync(path.join(d, 'src/extra.py'), 'pass\n')
  },
  {
    description: 'evaluate.py edited',
    apply: d => appendFileSync(path.join(d, 'evaluate.py'), '\n')
  },
  {
    description: 'README added (not a dep)',
    apply: d => writeFileSync(path.join(d, 'README.md'), 'x\n')
  },
  {
    description: 'data .dvc hash edited',
    beyondDvc: true,
    apply: d => {
      const file = path.join(d, 'data/data.csv.dvc')
      writeFileSync(file, run('cat', [file], d).replace(/md5: [0-9a-f]{4}/, 'md5: 0000'))
    }
  }
]

async function ours(
  dir: string
): Promise<{ status: Record<string, unknown>; notChecked: string[]; verified: boolean }> {
  const report = await verifyLineage({
    root: dir,
    missingData: 'lock-only',
    allowExternal: false,
    logger: silentLogger
  })
  return {
    status: statusFrom(report.stages, '.'),
    // Named from the project root: a .dvc file's out is written relative to its folder.
    notChecked: report.stages.flatMap(s =>
      s.entries
        .filter(e => e.status === 'not-checked')
        .map(e =>
          s.name.endsWith('.dvc') ? path.posix.join(path.posix.dirname(s.name), e.path) : e.path
        )
    ),
    verified: report.verified
  }
}

describe('lock-only on a clean clone agrees with dvc status', () => {
  const reference = new DvcReference()
  const dirs: string[] = []
  afterAll(() => {
    reference.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it(`${CASES} seeded mutations of the files git holds`, async () => {
    const source = seedLikeProject('clean-src')
    const clone = cleanClone(source, 'clean-clone')
    dirs.push(source, clone)
    for (const absent of SEED_ABSENT) expect(existsSync(path.join(clone, absent))).toBe(false)

    // The untouched clone: DVC reports the absent data only, and we list exactly those as not checked.
    const base = await ours(clone)
    expect(base.status).toEqual(await reference.status(clone))
    expect([...new Set(base.notChecked)].sort()).toEqual([...SEED_ABSENT].sort())
    expect(base.verified).toBe(true)

    const rand = prng(2701)
    const failures: string[] = []
    let failing = 0
    for (let i = 0; i < CASES; i++) {
      const picked = [
        ...new Set(
          [0, 1, 2]
            .slice(0, 1 + Math.floor(rand() * 3))
            .map(() => MUTATIONS[Math.floor(rand() * MUTATIONS.length)]!)
        )
      ]
      for (const m of picked) m.apply(clone)
      try {
        const [mine, dvc] = [await ours(clone), await reference.status(clone)]
        if (JSON.stringify(sortKeys(mine.status)) !== JSON.stringify(sortKeys(dvc)))
          failures.push(
            `case ${i} (${picked.map(m => m.description).join(' + ')}):\n  ours: ${JSON.stringify(mine.status)}\n  dvc:  ${JSON.stringify(dvc)}`
          )
        // Only truly absent files are not checked; the rest were hashed.
        for (const p of mine.notChecked)
          if (!SEED_ABSENT.includes(p)) failures.push(`case ${i}: ${p} is present but not checked`)
        // A change DVC sees beyond the absent data fails the check.
        // (Absent data stays "not in cache" for DVC whatever the .dvc file says; lineage-check also
        // compares the .dvc md5 with the dep md5 dvc.lock records, which DVC never does.)
        const onlyAbsent =
          JSON.stringify(sortKeys(dvc)) === JSON.stringify(sortKeys(base.status)) &&
          !picked.some(m => m.beyondDvc)
        if (!onlyAbsent) failing++
        if (mine.verified === !onlyAbsent)
          failures.push(`case ${i}: verified=${mine.verified}, dvc status ${JSON.stringify(dvc)}`)
      } finally {
        run('git', ['checkout', '-q', '--', '.'], clone)
        run('git', ['clean', '-fdq'], clone)
      }
    }
    expect(failures).toEqual([])
    expect(failing).toBeGreaterThan(CASES / 2)
    console.log(
      `[lineage-check] clean clone: ${CASES} cases compared with dvc status, ${failing} failing`
    )
  }, 600_000)

  it('fails a train.py change committed without dvc repro, naming the file', async () => {
    const source = seedLikeProject('norepro-src')
    dirs.push(source)
    appendFileSync(path.join(source, 'train.py'), 'print("changed")\n')
    run('git', ['commit', '-qam', 'tweak training without dvc repro'], source)
    const clone = cleanClone(source, 'norepro-clone')
    dirs.push(clone)
    const outcome = await runLineageCheck({
      root: clone,
      lockDisplay: 'dvc.lock',
      missingData: 'lock-only',
      allowExternal: false,
      requireCleanGit: true,
      git: createGitRunner(silentLogger, clone),
      logger: silentLogger
    })
    expect(outcome.verified).toBe(false)
    expect(outcome.problems.join('\n')).toContain("stage 'train': dep train.py is modified")
    expect((JSON.parse(outcome.reportJson) as { missing: string[] }).missing.sort()).toEqual(
      [...SEED_ABSENT].sort()
    )
    // DVC agrees.
    expect(JSON.stringify(await reference.status(clone))).toContain('"train.py":"modified"')
  }, 300_000)
})

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)])
    )
  return value
}
