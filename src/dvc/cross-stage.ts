import path from 'node:path'
import type { ResolvedStage } from './project.js'
import type { CrossStageMismatch } from './report-types.js'
import type { LockFile } from './schema.js'

/**
 * A dep's lock md5 must equal what its producing stage's out recorded. DVC never checks this
 * (a hand-edited lock or a partial `dvc commit` passes `dvc status`), so it is reported apart.
 */
export function crossStageMismatches(
  stages: ResolvedStage[],
  lock: LockFile
): CrossStageMismatch[] {
  const producers = new Map<string, { stage: string; md5?: string }>()
  for (const stage of stages) {
    for (const out of lock.stages[stage.name]?.outs ?? []) {
      producers.set(path.posix.normalize(path.posix.join(stage.wdir, out.path)), {
        stage: stage.name,
        ...(out.md5 ? { md5: out.md5 } : {})
      })
    }
  }
  const mismatches: CrossStageMismatch[] = []
  for (const stage of stages) {
    for (const dep of lock.stages[stage.name]?.deps ?? []) {
      const producer = producers.get(path.posix.normalize(path.posix.join(stage.wdir, dep.path)))
      if (!producer || producer.stage === stage.name) continue
      // Different algorithms (a legacy dep of a DVC 3 out) legitimately differ; compare like with like.
      const depLegacy = dep.hash === undefined
      const outEntry = lock.stages[producer.stage]?.outs.find(
        o =>
          path.posix.normalize(
            path.posix.join(stages.find(s => s.name === producer.stage)!.wdir, o.path)
          ) === path.posix.normalize(path.posix.join(stage.wdir, dep.path))
      )
      if (outEntry && (outEntry.hash === undefined) !== depLegacy) continue
      if (dep.md5 !== producer.md5) {
        mismatches.push({
          stage: stage.name,
          dep: dep.path,
          producer: producer.stage,
          ...(dep.md5 ? { depMd5: dep.md5 } : {}),
          ...(producer.md5 ? { outMd5: producer.md5 } : {})
        })
      }
    }
  }
  return mismatches
}
