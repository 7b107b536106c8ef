import type { StageUnit } from './collect.js'
import type { CrossStageMismatch } from './report-types.js'
import { statusKey } from './stage-status.js'

/**
 * A dep's lock md5 must equal what its producing stage's out (or `.dvc` file) recorded. DVC
 * never checks this (a hand-edited lock or a partial `dvc commit` passes `dvc status`), so it
 * is reported apart. Paths are compared relative to the project root, so a pipeline in a
 * sub-folder that uses `../data/train.csv` meets the `data/train.csv.dvc` that tracks it.
 */
export function crossStageMismatches(units: StageUnit[]): CrossStageMismatch[] {
  const producers = new Map<string, { stage: string; md5?: string; legacy: boolean }>()
  for (const unit of units) {
    for (const out of unit.lock?.outs ?? []) {
      producers.set(statusKey(unit.stage.wdir, out.path), {
        stage: unit.stage.name,
        legacy: out.hash === undefined,
        ...(out.md5 ? { md5: out.md5 } : {})
      })
    }
  }
  const mismatches: CrossStageMismatch[] = []
  for (const unit of units) {
    for (const dep of unit.lock?.deps ?? []) {
      const producer = producers.get(statusKey(unit.stage.wdir, dep.path))
      if (!producer || producer.stage === unit.stage.name) continue
      // Different algorithms (a legacy dep of a DVC 3 out) legitimately differ; compare like with like.
      if (producer.legacy !== (dep.hash === undefined)) continue
      if (dep.md5 !== producer.md5) {
        mismatches.push({
          stage: unit.stage.name,
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
