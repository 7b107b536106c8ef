import yaml from 'js-yaml'
import type { AuditEntry } from '../../src/audit/entry.js'
import { formatLine, GENESIS_PREV, sha256Hex, type EntryFields } from '../../src/audit/format.js'
import { MlflowApiError } from '../../src/mlflow/errors.js'
import type { ModelVersion, RegisteredModel } from '../../src/mlflow/index.js'
import { effectivePolicy, type Policy } from '../../src/policy/index.js'
import { policyFileSchema } from '../../src/policy/schema.js'
import type { RegistryReader } from '../../src/reconcile/registry-state.js'

export function policyFrom(text: string, model = 'churn'): Policy {
  return effectivePolicy(policyFileSchema.parse(yaml.load(text) ?? {}), model)
}

export const STAGES_POLICY = policyFrom(
  'stages: [{name: Development}, {name: Staging}, {name: Production}]'
)
export const BOTH_POLICY = policyFrom(
  'registry: {mode: both}\nstages: [{name: Development}, {name: Staging, alias: challenger}, {name: Production, alias: champion}]'
)

/** An audit entry as promote-model + audit-log record it; only the fields reconcile reads vary. */
export function event(
  model: string,
  version: string,
  to: string,
  overrides: Partial<EntryFields> = {}
): EntryFields {
  return {
    ts: '2026-11-26T06:00:00.000Z',
    event: 'promote',
    outcome: 'success',
    model,
    version,
    from: '',
    to,
    previous_version: '',
    actor: 'alice',
    triggered_by: 'alice',
    approvals: [{ login: 'bob', state: 'approved', comment: '', environments: ['production'] }],
    reason: `promote ${version} to ${to}`,
    repository: 'acme/models',
    run_id: '1',
    run_attempt: '1',
    run_url: 'https://github.com/acme/models/actions/runs/1/attempts/1',
    workflow_ref: '',
    git_commit: 'a'.repeat(40),
    lineage: { lock_sha256: 'b'.repeat(64), model_md5: 'c'.repeat(32), verified: true },
    metrics: null,
    gates: null,
    registry: 'http://127.0.0.1',
    ...overrides
  }
}

/** Chains the fields into lines exactly as the writer would, returning the file text and parsed entries. */
export function chain(fields: EntryFields[]): { text: string; entries: AuditEntry[] } {
  let prev = GENESIS_PREV
  const lines = fields.map((f, i) => {
    const line = formatLine(f, i + 1, prev)
    prev = sha256Hex(line)
    return line
  })
  return {
    text: lines.map(l => `${l}\n`).join(''),
    entries: lines.map(l => JSON.parse(l) as AuditEntry)
  }
}

export function version(
  name: string,
  v: string,
  stage = 'None',
  extra: Partial<ModelVersion> = {}
): ModelVersion {
  return {
    name,
    version: v,
    current_stage: stage,
    status: 'READY',
    tags: [],
    aliases: [],
    last_updated_timestamp: 1_764_000_000_000 + Number(v),
    ...extra
  }
}

/** The registry reconcile sees: versions with stages, and aliases; a missing model answers as MLflow does. */
export class FakeReader implements RegistryReader {
  readonly server = 'http://fake'
  readonly calls: string[] = []
  constructor(
    readonly models: Record<string, { versions: ModelVersion[]; aliases?: Record<string, string> }>
  ) {}

  private model(name: string): { versions: ModelVersion[]; aliases?: Record<string, string> } {
    const m = this.models[name]
    if (!m) {
      throw new MlflowApiError(
        'RESOURCE_DOES_NOT_EXIST',
        404,
        { action: 'get', object: `registered model '${name}'` },
        this.server,
        ''
      )
    }
    return m
  }

  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    await Promise.resolve()
    this.calls.push(`latest ${name} ${stages.join(',')}`)
    const m = this.model(name)
    const out: ModelVersion[] = []
    for (const stage of stages) {
      const inStage = m.versions
        .filter(v => v.current_stage === stage)
        .sort((a, b) => Number(a.version) - Number(b.version))
      const top = inStage[inStage.length - 1]
      if (top) out.push(top)
    }
    return out
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    await Promise.resolve()
    this.calls.push(`model ${name}`)
    this.model(name)
    return { name } as RegisteredModel
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    await Promise.resolve()
    this.calls.push(`alias ${name} ${alias}`)
    const m = this.model(name)
    const v = m.aliases?.[alias]
    return v ? m.versions.find(x => x.version === v) : undefined
  }
}
