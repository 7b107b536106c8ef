import { ActionError } from '../core/errors.js'
import type { MlflowClient, ModelVersion } from '../mlflow/index.js'
import type { ArtifactLocation } from './types.js'
import { joinUri, redactUri, storeSchemeOf } from './uri.js'

/** The MLflow operations locating a version's files needs; MlflowClient provides them. */
export type LocateClient = Pick<
  MlflowClient,
  | 'getRun'
  | 'getLoggedModel'
  | 'searchLoggedModels'
  | 'getModelVersionDownloadUri'
  | 'getVersionByAlias'
  | 'getLatestVersions'
>

/** A source that points at another source that points back is refused after this many hops. */
const MAX_HOPS = 8

/**
 * Where a version's files are, resolved as MLflow 3.17's own client resolves `models:/<name>/<v>`
 * (models_artifact_repo.py): the registry's download URI (`get-download-uri`: the version's
 * storage location, else its source), then that URI's own resolution (locateUri).
 */
export async function locateArtifact(
  client: LocateClient,
  mv: Pick<ModelVersion, 'name' | 'version' | 'source'>
): Promise<ArtifactLocation> {
  const label = `models:/${mv.name}/${mv.version}`
  const uri = (await client.getModelVersionDownloadUri(mv.name, mv.version)).trim()
  return locateUri(client, uri || (mv.source ?? '').trim(), [label])
}

/**
 * Resolves an artifact URI to the store that holds its bytes:
 * - `runs:/<run>/<path>` (runs_artifact_repo.py): when the path's first segment names a logged
 *   model of that run (search_logged_models in the run's experiment, `name = '<segment>'`, then
 *   `source_run_id == run`), the logged model's artifacts plus the rest of the path. MLflow 3's
 *   `log_model(model, "model")` writes there and leaves the run's `artifacts/model` empty.
 *   Otherwise the run's artifact root plus the path. (MLflow lists the union of both; a run
 *   folder that shadows a logged model of the same name is not a layout MLflow writes.)
 * - `models:/m-<id>`: the logged model's artifact location;
 * - `models:/<name>/<version|stage|latest>[/<path>]`, `models:/<name>@<alias>[/<path>]`: that
 *   version's download URI, resolved again;
 * - `mlflow-artifacts:/…`, `s3://`, `gs://`, `wasbs://`, `abfss://`: the store itself.
 * Anything else (a local path, http:, dbfs:) is refused, naming the URI without credentials.
 */
export async function locateUri(
  client: LocateClient,
  uri: string,
  via: string[] = []
): Promise<ArtifactLocation> {
  const steps = [...via]
  let current = uri
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (current === '')
      throw new ActionError(
        `${steps.join(' → ') || 'The version'} has no source; MLflow cannot locate its files either`
      )
    steps.push(redactUri(current))
    const runs = /^runs:\/(.*)$/i.exec(current)
    if (runs) {
      current = await fromRuns(client, runs[1]!, steps)
      continue
    }
    const models = /^models:(.*)$/i.exec(current)
    if (models) {
      current = await fromModels(client, current, steps)
      continue
    }
    const scheme = storeSchemeOf(current)
    if (scheme) {
      const trimmed = current.replace(/\/+$/, '')
      return { uri: redactUri(trimmed), scheme, via: steps.join(' → ') }
    }
    throw new ActionError(
      `${steps.join(' → ')}: the files are at '${redactUri(current)}', a store the suite cannot read. ` +
        'Supported: the tracking server proxy (mlflow-artifacts:, mlflow server --serve-artifacts), s3://, gs://, wasbs:// and abfss://. ' +
        'Log the model to one of these, or set verify-mlflow-artifact: false'
    )
  }
  throw new ActionError(
    `${steps.join(' → ')}: more than ${MAX_HOPS} hops; the sources point at each other`
  )
}

/** `runs:/<run>/<path>` → the URI it stands for, as RunsArtifactRepository resolves it. */
async function fromRuns(client: LocateClient, rest: string, steps: string[]): Promise<string> {
  // urlparse: 'runs:/<run>/<path>' has the path '/<run>/<path>'; 'runs://x' has a netloc (refused).
  if (rest.startsWith('/') || rest === '')
    throw new ActionError(
      `'${redactUri(`runs:/${rest}`)}' is not a runs:/ URI MLflow accepts (runs:/<run_id>/<path>)`
    )
  const [runId, ...parts] = rest.split('/')
  const path = parts.join('/').replace(/\/+$/, '')
  const run = await client.getRun(runId!)
  const [first, ...tail] = path === '' ? [] : path.split('/')
  if (first && !first.includes("'") && run.info.experiment_id) {
    const named = await client.searchLoggedModels([run.info.experiment_id], `name = '${first}'`)
    const model = named.find(m => m.info.source_run_id === runId)
    if (model) {
      steps.push(`logged model ${model.info.model_id} of run ${runId} (MLflow 3)`)
      const root = model.info.artifact_uri ?? ''
      if (root === '')
        throw new ActionError(`${steps.join(' → ')}: the logged model has no artifact location`)
      return joinUri(root, tail.join('/'))
    }
  }
  const root = run.info.artifact_uri ?? ''
  if (root === '') throw new ActionError(`${steps.join(' → ')}: run ${runId} has no artifact URI`)
  if (/^runs:/i.test(root))
    throw new ActionError(
      `${steps.join(' → ')}: run ${runId}'s artifact URI is itself a runs:/ URI`
    )
  return joinUri(root, path)
}

/**
 * `models:/…` → the URI it stands for (models_artifact_repo.py, utils/models.py): split off an
 * artifact path as `split_models_uri` does, then parse the model part as `_parse_model_uri`.
 */
async function fromModels(client: LocateClient, uri: string, steps: string[]): Promise<string> {
  const trimmed = uri.replace(/\/+$/, '')
  const path = trimmed.slice('models:'.length)
  if (path.startsWith('//'))
    throw new ActionError(
      `'${redactUri(uri)}' names a remote registry (models://…); only this tracking server's registry is read`
    )
  let modelPath = path
  let artifactPath = ''
  if ((path.match(/\//g) ?? []).length >= 2) {
    const splits = path.split('/')
    const cut = splits[1]!.includes('@') ? 2 : 3
    modelPath = splits.slice(0, cut).join('/')
    artifactPath = splits.slice(cut).join('/')
  }
  const parts = modelPath.replace(/^\//, '').split('/')
  if (!modelPath.startsWith('/') || parts.length > 2 || parts[0]!.trim() === '')
    throw new ActionError(
      `'${redactUri(uri)}' is not a models:/ URI MLflow accepts (models:/<name>/<version>, models:/<name>@<alias>, models:/<model_id>)`
    )
  let download: string
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string]
    if (/^\d+$/.test(suffix)) download = await client.getModelVersionDownloadUri(name, suffix)
    else {
      const latest = await client.getLatestVersions(
        name,
        suffix.toLowerCase() === 'latest' ? [] : [suffix]
      )
      const newest = latest.sort((a, b) => Number(b.version) - Number(a.version))[0]
      if (!newest)
        throw new ActionError(
          `${steps.join(' → ')}: registered model '${name}' has no version in ${suffix}`
        )
      download = await client.getModelVersionDownloadUri(name, newest.version)
    }
  } else if (parts[0]!.includes('@')) {
    const at = parts[0]!.lastIndexOf('@')
    const name = parts[0]!.slice(0, at)
    const alias = parts[0]!.slice(at + 1)
    const mv = await client.getVersionByAlias(name, alias)
    if (!mv)
      throw new ActionError(
        `${steps.join(' → ')}: registered model '${name}' has no alias '${alias}'`
      )
    download = await client.getModelVersionDownloadUri(name, mv.version)
  } else {
    const model = await client.getLoggedModel(parts[0]!)
    download = model.info.artifact_uri ?? ''
    if (download === '')
      throw new ActionError(`${steps.join(' → ')}: the logged model has no artifact location`)
  }
  return artifactPath === '' ? download.trim() : joinUri(download.trim(), artifactPath)
}
