import { formatLine, GENESIS_PREV, sha256Hex, type EntryFields } from '../../src/audit/format.js'

/** A plausible entry; `i` varies the content so lines differ. */
export function sampleFields(i: number, overrides: Partial<EntryFields> = {}): EntryFields {
  return {
    ts: new Date(Date.UTC(2026, 10, 26, 6, 0, 0, i)).toISOString(),
    event: i % 3 === 0 ? 'rollback' : 'promote',
    outcome: 'success',
    model: `churn-${i % 4}`,
    version: String(i + 1),
    from: 'Staging',
    to: 'Production',
    previous_version: String(i),
    actor: 'alice',
    triggered_by: 'alice',
    approvals: [{ login: 'bob', state: 'approved', comment: 'ok', environments: ['production'] }],
    reason: `release ${i}`,
    repository: 'acme/models',
    run_id: String(1000 + i),
    run_attempt: '1',
    run_url: `https://github.com/acme/models/actions/runs/${1000 + i}/attempts/1`,
    workflow_ref: 'acme/models/.github/workflows/promote.yml@refs/heads/main',
    git_commit: 'a'.repeat(40),
    lineage: { lock_sha256: 'b'.repeat(64), model_md5: 'c'.repeat(32), verified: true },
    metrics: { auc: 0.91 },
    gates: [{ metric: 'auc', passed: true }],
    registry: 'https://mlflow.example.com',
    ...overrides
  }
}

/** A valid chain of `count` lines built with the writer. */
export function buildLines(
  count: number,
  fields: (i: number) => EntryFields = i => sampleFields(i)
): string[] {
  const lines: string[] = []
  let prev = GENESIS_PREV
  for (let i = 0; i < count; i++) {
    const line = formatLine(fields(i), i + 1, prev)
    lines.push(line)
    prev = sha256Hex(line)
  }
  return lines
}

export function joinLines(lines: string[]): Buffer {
  return Buffer.from(lines.map(l => `${l}\n`).join(''), 'utf8')
}
