import { MlflowApiError } from '../../src/mlflow/errors.js'
import type { LoggedModel, ModelVersion, Run } from '../../src/mlflow/index.js'
import type { MlflowStage } from '../../src/mlflow/registry.js'
import type { Registry } from '../../src/promotion/types.js'
import type { RegistrationRegistry } from '../../src/registration/index.js'

/** A version as the fake keeps it; tests may set its stage or read its tags directly. */
export interface StoredVersion {
  version: string
  stage: string
  status: string
  statusMessage?: string
  runId: string
  source: string
  tags: Map<string, string>
}

const SERVER = 'http://fake:5000'

const notFound = (object: string): MlflowApiError =>
  new MlflowApiError(
    'RESOURCE_DOES_NOT_EXIST',
    404,
    { action: 'get', object },
    SERVER,
    `${object} not found`
  )

/**
 * The one in-memory MLflow registry of the unit tests, with MLflow's semantics for what
 * promotion and registration use: registered models and versions (stages, aliases, tags), runs
 * with artifact trees, logged models and the artifact proxy. Unit tests only: every behaviour
 * is also shown against the real server in test/integration and test/dist.
 *
 * `new FakeRegistry('churn', 3)` starts with model churn holding versions 1-3 (runs run1-run3);
 * `new FakeRegistry()` starts empty. `versions` and `aliases` are the first model's.
 */
export class FakeRegistry implements Registry, RegistrationRegistry {
  readonly server = SERVER
  readonly writes: string[] = []
  /** Called before each promotion operation; may throw to inject a failure. */
  hook: (op: string) => void = () => undefined
  /** Poll rounds (version reads) after a write that still see the state before it, like a lagging replica. */
  lagRounds = 0
  readonly runs = new Map<string, { artifactUri: string; files: string[]; deleted?: boolean }>()
  readonly loggedModels = new Map<string, { runId?: string; status: string }>()
  readonly proxied = new Set<string>()
  /** What successive reads of a version say (PENDING_REGISTRATION, then READY or FAILED_REGISTRATION). */
  statuses: { status: string; message?: string }[] = []
  denyCreateVersion = false
  private readonly models = new Map<
    string,
    { versions: Map<string, StoredVersion>; aliases: Map<string, string> }
  >()
  private stale: { stages: Map<string, string>; aliases: Map<string, string> } | undefined
  private staleLeft = 0

  constructor(
    readonly model = 'churn',
    count?: number
  ) {
    if (count === undefined) return
    this.addModel(model)
    for (let i = 1; i <= count; i++)
      this.stored(model).set(String(i), {
        version: String(i),
        stage: 'None',
        status: 'READY',
        runId: `run${i}`,
        source: `models:/m-run${i}`,
        tags: new Map()
      })
  }

  /** The first model's versions, by number. */
  get versions(): Map<string, StoredVersion> {
    return this.stored(this.model)
  }

  /** The first model's aliases: alias → version. */
  get aliases(): Map<string, string> {
    return this.entry(this.model).aliases
  }

  addModel(name: string): void {
    if (!this.models.has(name)) this.models.set(name, { versions: new Map(), aliases: new Map() })
  }

  addRun(runId: string, files: string[]): void {
    this.runs.set(runId, { artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`, files })
    for (const f of files) this.proxied.add(`1/${runId}/artifacts/${f}`)
  }

  /** A model's versions as MLflow shows them, oldest first. */
  versionsOf(name: string): ModelVersion[] {
    return [...(this.models.get(name)?.versions.values() ?? [])].map(s => this.view(name, s))
  }

  stageOf(version: string): string {
    return this.get(this.model, version).stage
  }

  // --- promotion ---------------------------------------------------------------------------

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    await this.hop(`get ${version}`)
    const stored = this.get(name, version)
    const next = this.statuses.shift()
    if (next) {
      stored.status = next.status
      if (next.message) stored.statusMessage = next.message
    }
    const view = this.view(name, stored)
    if (this.staleLeft > 0 && --this.staleLeft === 0) this.stale = undefined
    return view
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    await this.hop(`alias ${alias}`)
    const v = (
      this.staleLeft > 0 && this.stale ? this.stale.aliases : this.entry(name).aliases
    ).get(alias)
    return v ? this.view(name, this.get(name, v)) : undefined
  }

  async searchModelVersions(filter: string): Promise<ModelVersion[]> {
    await this.hop(`search ${filter}`)
    const name = /name='([^']*)'/.exec(filter)?.[1] ?? this.model
    const runId = /run_id='([^']*)'/.exec(filter)?.[1]
    const source = /source_path='([^']*)'/.exec(filter)?.[1]
    // Like MLflow's search: versions without their aliases.
    return this.versionsOf(name)
      .filter(
        v =>
          (runId === undefined || v.run_id === runId) &&
          (source === undefined || v.source === source)
      )
      .map(v => ({ ...v, aliases: [] }))
  }

  async transitionStage(
    name: string,
    version: string,
    stage: MlflowStage,
    archive: boolean
  ): Promise<ModelVersion> {
    await this.hop(`transition ${version} ${stage}`)
    if (archive && (stage === 'None' || stage === 'Archived')) {
      throw new MlflowApiError(
        'INTERNAL_ERROR',
        500,
        { action: 'transition', object: version },
        this.server,
        'not an Active stage'
      )
    }
    this.capture(name)
    this.writes.push(`transition ${version} ${stage}${archive ? ' archive' : ''}`)
    if (archive)
      for (const s of this.stored(name).values())
        if (s.stage === stage && s.version !== version) s.stage = 'Archived'
    this.get(name, version).stage = stage
    return this.view(name, this.get(name, version))
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.hop(`set-alias ${alias} ${version}`)
    this.get(name, version)
    this.capture(name)
    this.writes.push(`alias ${alias} ${version}`)
    this.entry(name).aliases.set(alias, version)
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    await this.hop(`tag ${version} ${key}`)
    this.writes.push(`tag ${version} ${key}`)
    this.get(name, version).tags.set(key, value)
  }

  // --- registration ------------------------------------------------------------------------

  getRegisteredModel(name: string) {
    if (!this.models.has(name)) return Promise.reject(notFound(`registered model '${name}'`))
    return Promise.resolve({ name, latest_versions: [], tags: [], aliases: [] })
  }

  createRegisteredModel(name: string) {
    this.writes.push(`create-model ${name}`)
    this.addModel(name)
    return Promise.resolve({ name, latest_versions: [], tags: [], aliases: [] })
  }

  createModelVersion(request: {
    name: string
    source: string
    runId?: string | undefined
    modelId?: string | undefined
    tags?: Record<string, string>
  }) {
    if (this.denyCreateVersion) {
      return Promise.reject(
        new MlflowApiError(
          'PERMISSION_DENIED',
          403,
          { action: 'create a version of', object: 'x' },
          this.server,
          'Permission denied'
        )
      )
    }
    const versions = this.models.get(request.name)?.versions
    if (!versions) return Promise.reject(notFound(`registered model '${request.name}'`))
    this.writes.push(`create-version ${request.name} ${request.source}`)
    const first = this.statuses.shift()
    const stored: StoredVersion = {
      version: String(versions.size + 1),
      stage: 'None',
      status: first?.status ?? 'READY',
      ...(first?.message ? { statusMessage: first.message } : {}),
      runId: request.runId ?? '',
      source: request.source,
      tags: new Map(Object.entries(request.tags ?? {}))
    }
    versions.set(stored.version, stored)
    return Promise.resolve(this.view(request.name, stored))
  }

  getRun(runId: string): Promise<Run> {
    const run = this.runs.get(runId)
    if (!run) return Promise.reject(notFound(`run '${runId}'`))
    return Promise.resolve({
      info: {
        run_id: runId,
        artifact_uri: run.artifactUri,
        lifecycle_stage: run.deleted ? 'deleted' : 'active'
      },
      data: { metrics: [], params: [], tags: [] }
    })
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    const model = this.loggedModels.get(modelId)
    if (!model) return Promise.reject(notFound(`logged model '${modelId}'`))
    return Promise.resolve({
      info: {
        model_id: modelId,
        status: model.status,
        tags: [],
        ...(model.runId ? { source_run_id: model.runId } : {})
      },
      data: { params: [], metrics: [] }
    })
  }

  /** Like MLflow: the direct children of `path`, with paths relative to the run's root. */
  listRunArtifacts(runId: string, path?: string) {
    const run = this.runs.get(runId)
    if (!run) return Promise.reject(notFound(`run '${runId}'`))
    return Promise.resolve(
      children(run.files, path ?? '').map(p => ({ path: p, is_dir: !run.files.includes(p) }))
    )
  }

  /** Like the artifact proxy: the direct children of `path`, named relative to it. */
  listProxiedArtifacts(path: string) {
    const under = children([...this.proxied], path)
    return Promise.resolve(
      under.map(p => ({ path: path ? p.slice(path.length + 1) : p, is_dir: !this.proxied.has(p) }))
    )
  }

  // --- internals ---------------------------------------------------------------------------

  private entry(name: string): {
    versions: Map<string, StoredVersion>
    aliases: Map<string, string>
  } {
    const found = this.models.get(name)
    if (!found) throw notFound(`registered model '${name}'`)
    return found
  }

  private stored(name: string): Map<string, StoredVersion> {
    return this.entry(name).versions
  }

  private get(name: string, version: string): StoredVersion {
    const found = this.models.get(name)?.versions.get(version)
    if (!found) throw notFound(`version ${version}`)
    return found
  }

  /** Like a request: the operation runs after the caller has moved on, and the hook may fail it. */
  private async hop(op: string): Promise<void> {
    await Promise.resolve()
    this.hook(op)
  }

  private capture(name: string): void {
    if (this.lagRounds === 0 || this.stale) return
    this.stale = {
      stages: new Map([...this.stored(name)].map(([v, s]) => [v, s.stage])),
      aliases: new Map(this.entry(name).aliases)
    }
    this.staleLeft = this.lagRounds
  }

  private view(name: string, s: StoredVersion): ModelVersion {
    const stale = this.staleLeft > 0 ? this.stale : undefined
    const aliases = stale?.aliases ?? this.entry(name).aliases
    return {
      name,
      version: s.version,
      current_stage: stale?.stages.get(s.version) ?? s.stage,
      status: s.status,
      ...(s.statusMessage ? { status_message: s.statusMessage } : {}),
      run_id: s.runId,
      source: s.source,
      tags: [...s.tags].map(([key, value]) => ({ key, value })),
      aliases: [...aliases].filter(([, v]) => v === s.version).map(([a]) => a)
    }
  }
}

function children(files: string[], dir: string): string[] {
  const prefix = dir ? `${dir}/` : ''
  const found = new Set<string>()
  for (const file of files) {
    if (!file.startsWith(prefix)) continue
    const rest = file.slice(prefix.length).split('/')
    found.add(prefix + rest[0])
  }
  return [...found]
}

/** A clock that never waits: sleeping advances time. */
export class FakeClock {
  t = 1_700_000_000_000
  slept: number[] = []
  now = (): number => this.t
  sleep = (ms: number): Promise<void> => {
    this.slept.push(ms)
    this.t += ms
    return Promise.resolve()
  }
}
