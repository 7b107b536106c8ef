import { MlflowApiError } from '../../../src/mlflow/errors.js'
import type { LoggedModel, ModelVersion, Run } from '../../../src/mlflow/index.js'
import type { RegistrationRegistry } from '../../../src/registration/index.js'

const notFound = (object: string): MlflowApiError =>
  new MlflowApiError(
    'RESOURCE_DOES_NOT_EXIST',
    404,
    { action: 'get', object },
    'http://fake:5000',
    `${object} not found`
  )

/**
 * An in-memory registry with MLflow's answers for the operations registration uses: runs with
 * artifact trees, logged models, registered models and versions. `statuses` scripts what
 * successive reads of a new version say (PENDING_REGISTRATION, then READY or FAILED_REGISTRATION).
 */
export class FakeRegistry implements RegistrationRegistry {
  readonly server = 'http://fake:5000'
  readonly runs = new Map<string, { artifactUri: string; files: string[]; deleted?: boolean }>()
  readonly loggedModels = new Map<string, { runId?: string; status: string }>()
  readonly models = new Map<string, ModelVersion[]>()
  readonly writes: string[] = []
  readonly proxied = new Set<string>()
  statuses: { status: string; message?: string }[] = []
  denyCreateVersion = false

  addRun(runId: string, files: string[]): void {
    this.runs.set(runId, { artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`, files })
    for (const f of files) this.proxied.add(`1/${runId}/artifacts/${f}`)
  }

  getRegisteredModel(name: string) {
    if (!this.models.has(name)) return Promise.reject(notFound(`registered model '${name}'`))
    return Promise.resolve({ name, latest_versions: [], tags: [], aliases: [] })
  }

  createRegisteredModel(name: string) {
    this.writes.push(`create-model ${name}`)
    this.models.set(name, [])
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
    const versions = this.models.get(request.name)
    if (!versions) return Promise.reject(notFound(`registered model '${request.name}'`))
    this.writes.push(`create-version ${request.name} ${request.source}`)
    const first = this.statuses.shift()
    const mv: ModelVersion = {
      name: request.name,
      version: String(versions.length + 1),
      current_stage: 'None',
      source: request.source,
      run_id: request.runId ?? '',
      status: first?.status ?? 'READY',
      ...(first?.message ? { status_message: first.message } : {}),
      tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({ key, value })),
      aliases: []
    }
    versions.push(mv)
    return Promise.resolve({ ...mv })
  }

  getModelVersion(name: string, version: string) {
    const mv = this.models.get(name)?.find(v => v.version === version)
    if (!mv) return Promise.reject(notFound(`version ${version}`))
    const next = this.statuses.shift()
    if (next) {
      mv.status = next.status
      if (next.message) mv.status_message = next.message
    }
    return Promise.resolve({ ...mv })
  }

  searchModelVersions(filter: string) {
    const name = /name='([^']*)'/.exec(filter)?.[1]
    const runId = /run_id='([^']*)'/.exec(filter)?.[1]
    const source = /source_path='([^']*)'/.exec(filter)?.[1]
    return Promise.resolve(
      (this.models.get(name ?? '') ?? []).filter(
        v =>
          (runId === undefined || v.run_id === runId) &&
          (source === undefined || v.source === source)
      )
    )
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
