import { MlflowApiError } from '../../../src/mlflow/errors.js'
import type { ModelVersion } from '../../../src/mlflow/index.js'
import type { MlflowStage } from '../../../src/mlflow/registry.js'
import type { Registry } from '../../../src/promotion/types.js'

interface Stored {
  version: string
  stage: string
  status: string
  runId: string
  tags: Map<string, string>
}

/** An in-memory registry with MLflow's semantics for the operations a promotion uses. */
export class FakeRegistry implements Registry {
  readonly server = 'http://fake:5000'
  readonly versions = new Map<string, Stored>()
  readonly aliases = new Map<string, string>()
  readonly writes: string[] = []
  /** Called before each operation; may throw to inject a failure. */
  hook: (op: string) => void = () => undefined
  /** Poll rounds (version reads) after a write that still see the state before it, like a lagging replica. */
  lagRounds = 0
  private stale: { stages: Map<string, string>; aliases: Map<string, string> } | undefined
  private staleLeft = 0

  private capture(): void {
    if (this.lagRounds === 0 || this.stale) return
    this.stale = {
      stages: new Map([...this.versions].map(([v, s]) => [v, s.stage])),
      aliases: new Map(this.aliases)
    }
    this.staleLeft = this.lagRounds
  }

  constructor(
    readonly model: string,
    count: number
  ) {
    for (let i = 1; i <= count; i++) {
      this.versions.set(String(i), {
        version: String(i),
        stage: 'None',
        status: 'READY',
        runId: `run${i}`,
        tags: new Map()
      })
    }
  }

  /** Like a request: the operation runs after the caller has moved on, and the hook may fail it. */
  private async hop(op: string): Promise<void> {
    await Promise.resolve()
    this.hook(op)
  }

  private get(version: string): Stored {
    const found = this.versions.get(version)
    if (!found) {
      throw new MlflowApiError(
        'RESOURCE_DOES_NOT_EXIST',
        404,
        { action: 'get', object: `version ${version}` },
        this.server,
        ''
      )
    }
    return found
  }

  private view(s: Stored): ModelVersion {
    const stale = this.staleLeft > 0 ? this.stale : undefined
    const aliases = stale?.aliases ?? this.aliases
    return {
      name: this.model,
      version: s.version,
      current_stage: stale?.stages.get(s.version) ?? s.stage,
      status: s.status,
      run_id: s.runId,
      source: `models:/m-${s.runId}`,
      tags: [...s.tags].map(([key, value]) => ({ key, value })),
      aliases: [...aliases].filter(([, v]) => v === s.version).map(([a]) => a)
    }
  }

  async getModelVersion(_name: string, version: string): Promise<ModelVersion> {
    await this.hop(`get ${version}`)
    const view = this.view(this.get(version))
    if (this.staleLeft > 0 && --this.staleLeft === 0) this.stale = undefined
    return view
  }

  async getVersionByAlias(_name: string, alias: string): Promise<ModelVersion | undefined> {
    await this.hop(`alias ${alias}`)
    const v = (this.staleLeft > 0 && this.stale ? this.stale.aliases : this.aliases).get(alias)
    return v ? this.view(this.get(v)) : undefined
  }

  async searchModelVersions(filter: string): Promise<ModelVersion[]> {
    await this.hop(`search ${filter}`)
    const run = /run_id='([^']+)'/.exec(filter)?.[1]
    return [...this.versions.values()]
      .filter(s => !run || s.runId === run)
      .map(s => ({ ...this.view(s), aliases: [] }))
  }

  async transitionStage(
    _name: string,
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
    this.capture()
    this.writes.push(`transition ${version} ${stage}${archive ? ' archive' : ''}`)
    if (archive)
      for (const s of this.versions.values())
        if (s.stage === stage && s.version !== version) s.stage = 'Archived'
    this.get(version).stage = stage
    return this.view(this.get(version))
  }

  async setAlias(_name: string, alias: string, version: string): Promise<void> {
    await this.hop(`set-alias ${alias} ${version}`)
    this.get(version)
    this.capture()
    this.writes.push(`alias ${alias} ${version}`)
    this.aliases.set(alias, version)
  }

  async setModelVersionTag(
    _name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    await this.hop(`tag ${version} ${key}`)
    this.writes.push(`tag ${version} ${key}`)
    this.get(version).tags.set(key, value)
  }

  stageOf(version: string): string {
    return this.get(version).stage
  }
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
