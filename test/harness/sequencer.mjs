// Jest's sequencer runs the longest test files first, by the durations it cached on an earlier
// run of this checkout, and falls back to file size when it has none: on CI's fresh clone that
// started differential.test.ts (small file, minutes of DVC) near the end, where it ran alone on
// one worker while the other idled. Files without a cached duration take the durations below,
// measured on a 2-core machine (seconds, rounded); any other file counts as short.
import module from 'node:module'
import path from 'node:path'

const require = module.createRequire(import.meta.url)
const Sequencer = require('@jest/test-sequencer').default
const root = path.resolve(import.meta.dirname, '..', '..')

export const MEASURED_SECONDS = {
  // 130-140 s idle; 606 s at a load average of 13-19 (it is CPU-bound: DVC's YAML parsing).
  'test/integration/lineage-check/differential.test.ts': 600,
  'test/integration/workflow-act/promote.test.ts': 130,
  // 137 s on a lightly loaded 2-core machine, 621 s at a load average of 10-16 (four trainings).
  'test/integration/workflow-act/seed-flow.test.ts': 140,
  'test/dist/audit-log.test.ts': 73,
  'test/integration/promote-model/gate.test.ts': 62,
  'test/integration/reconcile/drift.test.ts': 45,
  'test/integration/lineage-check/model-link.test.ts': 30,
  'test/dist/lineage-check.test.ts': 27,
  'test/integration/promote-model/promote.test.ts': 23,
  'test/dist/promote-model.test.ts': 21,
  'test/integration/lineage-check/safety.test.ts': 16,
  'test/dist/notify.test.ts': 15,
  'test/dist/validate-metrics.test.ts': 13,
  'test/dist/untrusted-input.test.ts': 11,
  'test/dist/untrusted-audit-log.test.ts': 11
}

export default class LongestFirst extends Sequencer {
  time(test) {
    const cached = super.time(test)
    if (cached != null) return cached
    const known = MEASURED_SECONDS[path.relative(root, test.path).split(path.sep).join('/')]
    return (known ?? 1) * 1000
  }
}
