import { describe, expect, it } from '@jest/globals'
import { statusTarget } from '../../../src/cli/commands/status.js'
import { statusDetail, statusTable } from '../../../src/cli/commands/status-view.js'
import { styler } from '../../../src/cli/table.js'
import type { MlflowClient } from '../../../src/mlflow/index.js'
import {
  buildEvidence,
  commitDifference,
  evidenceHtml,
  evidenceMarkdown,
  targetFacts,
  versionRecord,
  type TrainingFacts
} from '../../../src/provenance/index.js'
import type { TargetRow } from '../../../src/reconcile/reconcile.js'
import { BOTH_POLICY, chain, event, version } from '../../harness/reconcile-helpers.js'

const RUN_COMMIT = '1'.repeat(40)
const LINEAGE_COMMIT = '2'.repeat(40)
const PROMOTION_COMMIT = 'a'.repeat(40)
const LINEAGE = { lock_sha256: 'b'.repeat(64), model_md5: 'c'.repeat(32), verified: true }

/** v1 recorded its lineage commit (the commit after its run's); v2's entry predates lineage.commit. */
const { entries } = chain([
  event('churn', '1', 'Production', { lineage: { ...LINEAGE, level: 3, commit: LINEAGE_COMMIT } }),
  event('churn', '2', 'Staging')
])

/** MLflow's run record for a version: only what trainingFacts reads. */
function registry(sourceCommit: string): Pick<MlflowClient, 'getModelVersion' | 'getRun'> {
  return {
    getModelVersion: () => Promise.resolve(version('churn', '1', 'Production', { run_id: 'r1' })),
    getRun: () =>
      Promise.resolve({
        info: { run_id: 'r1', experiment_id: '0', status: 'FINISHED', lifecycle_stage: 'active' },
        data: { tags: [{ key: 'mlflow.source.git.commit', value: sourceCommit }] }
      } as unknown as Awaited<ReturnType<MlflowClient['getRun']>>)
  }
}

function row(v: string, target: 'Staging' | 'Production'): TargetRow {
  return {
    model: 'churn',
    target: { kind: 'stage', name: target },
    registryVersion: v,
    auditedVersion: v,
    inSync: true,
    lastUpdatedTimestamp: null,
    userId: null,
    entry: entries.find(e => e.version === v)!
  }
}

describe("the run's commit beside the lineage commit", () => {
  it('differs only when both are known and name different commits (abbreviations match)', () => {
    expect(commitDifference(RUN_COMMIT, LINEAGE_COMMIT)).toBe(
      `the run's commit ${RUN_COMMIT} differs from the lineage commit ${LINEAGE_COMMIT}; ` +
        'the data and the reproduce commands are those of the lineage commit'
    )
    expect(commitDifference(LINEAGE_COMMIT.slice(0, 8), LINEAGE_COMMIT)).toBeNull()
    expect(commitDifference(null, LINEAGE_COMMIT)).toBeNull()
    expect(commitDifference(RUN_COMMIT, '')).toBeNull()
  })

  it("takes the lineage commit from lineage.commit, else the promotion's git_commit", () => {
    expect(versionRecord(entries, 'churn', '1').lineage?.commit).toBe(LINEAGE_COMMIT)
    expect(versionRecord(entries, 'churn', '2').lineage?.commit).toBe(PROMOTION_COMMIT)
  })

  it('status says so in the table and in the detail, and reproduces from the lineage commit', async () => {
    const facts = await targetFacts(row('1', 'Production'), entries, {
      registry: registry(RUN_COMMIT)
    })
    const target = statusTarget(row('1', 'Production'), facts)
    expect(target.commit).toBe(LINEAGE_COMMIT)
    expect(target.reproduce[0]).toBe(`git checkout ${LINEAGE_COMMIT}`)
    expect(target.commit_note).toBe(commitDifference(RUN_COMMIT, LINEAGE_COMMIT))
    const plain = styler(false)
    expect(statusTable('churn', [target], 'AUDIT.log', plain)).toContain(
      "stage Production: the run's commit 11111111 differs from the lineage commit 22222222 (COMMIT)"
    )
    expect(statusDetail('churn', target, 'AUDIT.log', plain)).toMatch(
      new RegExp(`differs {7}the run's commit ${RUN_COMMIT} differs from the lineage commit`)
    )
  })

  it('status says nothing when the run was recorded at the lineage commit', async () => {
    const facts = await targetFacts(row('2', 'Staging'), entries, {
      registry: registry(PROMOTION_COMMIT)
    })
    const target = statusTarget(row('2', 'Staging'), facts)
    expect(target.commit_note).toBeNull()
    expect(statusTable('churn', [target], 'AUDIT.log', styler(false))).not.toContain('differs')
  })

  it('evidence says so in every form, and reads dvc.lock at the lineage commit', () => {
    const training = { source_commit: RUN_COMMIT } as TrainingFacts
    const pack = buildEvidence({
      model: 'churn',
      version: '1',
      auditFile: 'AUDIT.log',
      entries,
      report: {
        valid: true,
        chain: { valid: true, entries: entries.length, headSha256: 'f'.repeat(64) },
        history: { skipped: 'not asked' }
      } as unknown as Parameters<typeof buildEvidence>[0]['report'],
      policy: BOTH_POLICY,
      training,
      data: null,
      now: new Date('2026-12-01T00:00:00Z')
    })
    expect(pack.lineage_commit).toBe(LINEAGE_COMMIT)
    expect(pack.commit_note).toBe(commitDifference(RUN_COMMIT, LINEAGE_COMMIT))
    expect(pack.reproduce[0]).toBe(`git checkout ${LINEAGE_COMMIT}`)
    expect(evidenceMarkdown(pack)).toContain(`**Commits differ**: the run's commit ${RUN_COMMIT}`)
    expect(evidenceHtml(pack)).toContain(
      `<p><strong>Commits differ</strong>: the run&#39;s commit ${RUN_COMMIT}`
    )
  })
})
