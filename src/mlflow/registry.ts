import * as z from 'zod'
import { MlflowApiError } from './errors.js'
import type { MlflowHttp } from './http.js'
import {
  artifactListSchema,
  empty,
  loggedModelSchema,
  metricSchema,
  modelVersionSchema,
  registeredModelSchema,
  runSchema,
  type LoggedModel,
  type Metric,
  type ModelVersion,
  type RegisteredModel,
  type Run
} from './schemas.js'
import { hasUnsafeText } from '../core/text-safety.js'

/** The four stages MLflow knows, in its spelling. */
export const MLFLOW_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const
export type MlflowStage = (typeof MLFLOW_STAGES)[number]

/** Versions per search page: a reply of 1,000 versions with tags stays far below the 32 MiB cap. */
export const SEARCH_PAGE_SIZE = 1000
/** Values per metric-history page (MLflow's own client asks for 25,000). */
export const METRIC_PAGE_SIZE = 25000
/** Logged models per search page: the server's default page (SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT). */
export const LOGGED_MODEL_PAGE_SIZE = 100
/**
 * Pages followed before a search is refused: 10 million versions at SEARCH_PAGE_SIZE, far more
 * than any registry holds, and a hard stop for a server that keeps inventing fresh tokens.
 */
export const MAX_PAGES = 10_000

const versionLabel = (name: string, version: string): string =>
  `registered model '${name}' version ${version}`

/**
 * A reply must be about what was asked: a proxy, a cache or a confused server that answers with
 * another model, version or run would otherwise have that object promoted, gated or audited.
 * Names are compared exactly (MLflow's are case-sensitive); versions as decimal numbers.
 */
function expectReply(
  server: string,
  op: { action: string; object: string },
  field: string,
  asked: string,
  got: string | undefined
): void {
  const same = field === 'version' ? sameVersion(asked, got) : asked === got
  if (same) return
  throw new MlflowApiError(
    'MISMATCHED_RESPONSE',
    200,
    op,
    server,
    `asked for ${field} ${JSON.stringify(asked)} and the reply names ${
      got === undefined ? 'none' : JSON.stringify(got.slice(0, 100))
    }; refusing to use it (check proxies and caches between the runner and the tracking server)`
  )
}

function sameVersion(asked: string, got: string | undefined): boolean {
  return got !== undefined && /^\d+$/.test(asked.trim()) && /^\d+$/.test(got.trim())
    ? BigInt(asked.trim()) === BigInt(got.trim())
    : asked === got
}

/**
 * Typed registry and tracking operations over MlflowHttp. Paths and fields follow
 * MLflow's REST API reference (mlflow.org/docs/latest/api_reference/rest-api.html); versions
 * are always sent as strings.
 */
export class MlflowClient {
  /** `maxPages`: MAX_PAGES unless a test needs a smaller stop. */
  constructor(
    readonly http: MlflowHttp,
    private readonly paging: { maxPages?: number } = {}
  ) {}

  get server(): string {
    return this.http.server
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const res = await this.http.get(
      'registered-models/get',
      { name },
      z.object({ registered_model: registeredModelSchema }),
      { action: 'get', object: `registered model '${name}'` }
    )
    this.expect('get', `registered model '${name}'`, 'name', name, res.registered_model.name)
    return res.registered_model
  }

  /** Throws MISMATCHED_RESPONSE unless the reply's field is what was asked. */
  private expect(
    action: string,
    object: string,
    field: string,
    asked: string,
    got: string | undefined
  ): void {
    expectReply(this.http.server, { action, object }, field, asked, got)
  }

  /**
   * Listed paths must stay inside the artifact tree: relative, without '..' segments, control
   * characters or backslashes, since callers build download paths from them.
   */
  private expectListing(
    object: string,
    folder: string | undefined,
    files: { path: string }[]
  ): void {
    for (const file of files) {
      const parts = file.path.split('/')
      const inside =
        file.path !== '' &&
        !file.path.startsWith('/') &&
        !parts.includes('..') &&
        !file.path.includes('\\') &&
        !hasUnsafeText(file.path)
      if (!inside) this.expect('list', object, 'a path under', folder ?? '(root)', file.path)
    }
  }

  /** A model version reply must name the asked model (and version, when one was asked). */
  private expectVersion(
    action: string,
    name: string,
    version: string | undefined,
    mv: ModelVersion
  ): void {
    const object =
      version === undefined ? `registered model '${name}'` : versionLabel(name, version)
    this.expect(action, object, 'name', name, mv.name)
    if (version !== undefined) this.expect(action, object, 'version', version, mv.version)
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const res = await this.http.get(
      'model-versions/get',
      { name, version },
      z.object({ model_version: modelVersionSchema }),
      { action: 'get', object: versionLabel(name, version) }
    )
    this.expectVersion('get', name, version, res.model_version)
    return res.model_version
  }

  /** The version an alias points at, or undefined when the alias is not set (MLflow answers 400). */
  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      const res = await this.http.get(
        'registered-models/alias',
        { name, alias },
        z.object({ model_version: modelVersionSchema }),
        { action: 'get', object: `alias '${alias}' of registered model '${name}'` }
      )
      this.expectVersion('get the alias of', name, undefined, res.model_version)
      // The SQL store leaves aliases empty in some replies; a filled list must hold the alias.
      const { aliases } = res.model_version
      if (aliases.length > 0 && !aliases.includes(alias))
        this.expect(
          'get',
          `alias '${alias}' of registered model '${name}'`,
          'alias',
          alias,
          aliases.join(',')
        )
      return res.model_version
    } catch (error) {
      if (
        error instanceof MlflowApiError &&
        error.errorCode === 'INVALID_PARAMETER_VALUE' &&
        /alias .* not found/i.test(error.serverMessage)
      ) {
        return undefined
      }
      throw error
    }
  }

  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const res = await this.http.post(
      'registered-models/get-latest-versions',
      { name, stages },
      z.object({ model_versions: z.array(modelVersionSchema).optional().default([]) }),
      { action: 'get latest versions of', object: `registered model '${name}'` }
    )
    for (const mv of res.model_versions) {
      this.expectVersion('get latest versions of', name, undefined, mv)
      if (stages.length > 0 && !stages.includes(mv.current_stage))
        this.expect(
          'get latest versions of',
          `registered model '${name}'`,
          'stage',
          stages.join(' or '),
          mv.current_stage
        )
    }
    return res.model_versions
  }

  /**
   * All versions matching a filter, following page tokens to the end, SEARCH_PAGE_SIZE at a time
   * (MLflow's store caps a page at 200,000; a smaller page keeps each reply well under the
   * response cap).
   */
  async searchModelVersions(filter: string, orderBy: string[] = []): Promise<ModelVersion[]> {
    const op = { action: 'search', object: `model versions (${filter})` }
    return this.paginate(op, async pageToken => {
      const res = await this.http.get(
        'model-versions/search',
        { filter, max_results: SEARCH_PAGE_SIZE, order_by: orderBy, page_token: pageToken },
        z.object({
          model_versions: z.array(modelVersionSchema).optional().default([]),
          next_page_token: z.string().optional()
        }),
        op
      )
      return { items: res.model_versions, next: res.next_page_token }
    })
  }

  /**
   * Follows `next_page_token` until a page has none. A server that hands back a token it already
   * gave (a page that does not advance) or keeps paging past MAX_PAGES is refused rather than
   * followed forever; the same goes for a proxy that replays one page.
   */
  private async paginate<T>(
    op: { action: string; object: string },
    page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>
  ): Promise<T[]> {
    const all: T[] = []
    const seen = new Set<string>()
    const maxPages = this.paging.maxPages ?? MAX_PAGES
    let token: string | undefined
    for (let pages = 1; ; pages++) {
      const { items, next } = await page(token)
      all.push(...items)
      if (!next) return all
      if (seen.has(next) || pages >= maxPages) {
        throw new MlflowApiError(
          'PAGINATION_LOOP',
          200,
          op,
          this.http.server,
          seen.has(next)
            ? `page ${pages} handed back a next_page_token the server already gave; refusing to loop (check proxies and caches between the runner and the tracking server)`
            : `still paging after ${maxPages} pages; refusing to read more`
        )
      }
      seen.add(next)
      token = next
    }
  }

  async transitionStage(
    name: string,
    version: string,
    stage: MlflowStage,
    archiveExistingVersions: boolean
  ): Promise<ModelVersion> {
    const res = await this.http.post(
      'model-versions/transition-stage',
      { name, version, stage, archive_existing_versions: archiveExistingVersions },
      z.object({ model_version: modelVersionSchema }),
      { action: `transition to ${stage}`, object: versionLabel(name, version) }
    )
    this.expectVersion(`transition to ${stage}`, name, version, res.model_version)
    return res.model_version
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.post('registered-models/alias', { name, alias, version }, empty, {
      action: `set alias '${alias}' on`,
      object: versionLabel(name, version)
    })
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.delete('registered-models/alias', { name, alias }, empty, {
      action: `delete alias '${alias}' of`,
      object: `registered model '${name}'`
    })
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    await this.http.post('model-versions/set-tag', { name, version, key, value }, empty, {
      action: `set tag '${key}' on`,
      object: versionLabel(name, version)
    })
  }

  async getRun(runId: string): Promise<Run> {
    const res = await this.http.get('runs/get', { run_id: runId }, z.object({ run: runSchema }), {
      action: 'get',
      object: `run '${runId}'`
    })
    this.expect('get', `run '${runId}'`, 'run id', runId, res.run.info.run_id)
    return res.run
  }

  /** The full history of one metric, following page tokens (METRIC_PAGE_SIZE values a page). */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const op = { action: `get the history of metric '${key}' of`, object: `run '${runId}'` }
    return this.paginate(op, async pageToken => {
      const res = await this.http.get(
        'metrics/get-history',
        { run_id: runId, metric_key: key, max_results: METRIC_PAGE_SIZE, page_token: pageToken },
        z.object({
          metrics: z.array(metricSchema).optional().default([]),
          next_page_token: z.string().optional()
        }),
        op
      )
      for (const metric of res.metrics) this.expect(op.action, op.object, 'metric', key, metric.key)
      return { items: res.metrics, next: res.next_page_token }
    })
  }

  /**
   * One level of a directory in the server's artifact proxy (`--serve-artifacts`). The proxy's
   * list endpoint has no paging at all (mlflow_artifacts.proto: `path` only): one reply is the level.
   */
  async listProxiedArtifacts(
    path: string
  ): Promise<{ path: string; is_dir: boolean; file_size?: number }[]> {
    const res = await this.http.get(
      '/api/2.0/mlflow-artifacts/artifacts',
      { path },
      artifactListSchema,
      { action: 'list', object: `artifacts under '${path}'` }
    )
    this.expectListing(`artifacts under '${path}'`, path, res.files)
    return res.files
  }

  /** Streams one proxied artifact file into `consume` (never buffered whole). */
  downloadProxiedArtifact<T>(
    path: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    const encoded = path.split('/').map(encodeURIComponent).join('/')
    return this.http.stream(
      `/api/2.0/mlflow-artifacts/artifacts/${encoded}`,
      {},
      { action: 'download', object: `artifact '${path}'` },
      consume
    )
  }

  /** Creates an empty registered model; RESOURCE_ALREADY_EXISTS (400) when the name is taken. */
  async createRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    const res = await this.http.post(
      'registered-models/create',
      { name, ...(description ? { description } : {}) },
      z.object({ registered_model: registeredModelSchema }),
      { action: 'create', object: `registered model '${name}'` }
    )
    this.expect('create', `registered model '${name}'`, 'name', name, res.registered_model.name)
    return res.registered_model
  }

  /**
   * Registers a new version. MLflow 3 requires `run_id` for `runs:/` and run-artifact sources and
   * `model_id` for `models:/m-…` sources, and checks that they match the source.
   */
  async createModelVersion(request: {
    name: string
    source: string
    runId?: string | undefined
    modelId?: string | undefined
    tags?: Record<string, string>
    description?: string | undefined
  }): Promise<ModelVersion> {
    const body = {
      name: request.name,
      source: request.source,
      ...(request.runId ? { run_id: request.runId } : {}),
      ...(request.modelId ? { model_id: request.modelId } : {}),
      ...(request.description ? { description: request.description } : {}),
      tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({ key, value }))
    }
    const res = await this.http.post(
      'model-versions/create',
      body,
      z.object({ model_version: modelVersionSchema }),
      { action: 'create a version of', object: `registered model '${request.name}'` }
    )
    this.expectVersion('create a version of', request.name, undefined, res.model_version)
    if (request.runId && res.model_version.run_id !== undefined)
      this.expect(
        'create a version of',
        `registered model '${request.name}'`,
        'run id',
        request.runId,
        res.model_version.run_id
      )
    return res.model_version
  }

  /**
   * One level of a run's artifact tree; a missing path (or a file) lists nothing. MLflow's
   * handler answers the whole level in one reply today, but the API declares `page_token`, so a
   * `next_page_token` (another server, a future MLflow) is followed rather than silently cut.
   */
  async listRunArtifacts(
    runId: string,
    path?: string
  ): Promise<{ path: string; is_dir: boolean; file_size?: number }[]> {
    const object = `run '${runId}'${path ? ` under '${path}'` : ''}`
    const files = await this.paginate(
      { action: 'list the artifacts of', object },
      async pageToken => {
        const res = await this.http.get(
          'artifacts/list',
          { run_id: runId, ...(path ? { path } : {}), page_token: pageToken },
          artifactListSchema.extend({ next_page_token: z.string().optional() }),
          { action: 'list the artifacts of', object }
        )
        return { items: res.files, next: res.next_page_token }
      }
    )
    this.expectListing(object, path, files)
    return files
  }

  /**
   * Where MLflow's client downloads a version's files from (`get_model_version_download_uri`):
   * the version's storage location, else its source, as the registry stores them.
   */
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const res = await this.http.get(
      'model-versions/get-download-uri',
      { name, version },
      z.object({ artifact_uri: z.string().optional().default('') }),
      { action: 'get the download URI of', object: versionLabel(name, version) }
    )
    return res.artifact_uri
  }

  /**
   * Logged models of some experiments matching a filter (`name = 'model'`), following page
   * tokens, LOGGED_MODEL_PAGE_SIZE at a time. MLflow's client finds
   * the logged model behind `runs:/<run>/<name>` this way (runs_artifact_repo.py).
   */
  async searchLoggedModels(experimentIds: string[], filter: string): Promise<LoggedModel[]> {
    const op = { action: 'search', object: `logged models (${filter})` }
    return this.paginate(op, async pageToken => {
      const res = await this.http.post(
        'logged-models/search',
        {
          experiment_ids: experimentIds,
          filter,
          max_results: LOGGED_MODEL_PAGE_SIZE,
          ...(pageToken ? { page_token: pageToken } : {})
        },
        z.object({
          models: z.array(loggedModelSchema).optional().default([]),
          next_page_token: z.string().optional()
        }),
        op
      )
      return { items: res.models, next: res.next_page_token }
    })
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const res = await this.http.get(
      `logged-models/${encodeURIComponent(modelId)}`,
      {},
      z.object({ model: loggedModelSchema }),
      { action: 'get', object: `logged model '${modelId}'` }
    )
    this.expect('get', `logged model '${modelId}'`, 'model id', modelId, res.model.info.model_id)
    return res.model
  }
}
