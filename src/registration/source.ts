import { FieldError } from '../core/errors.js'

/** The three source forms MLflow registers from. */
export type ModelSource =
  | { kind: 'run'; uri: string; runId: string; path: string }
  | { kind: 'logged-model'; uri: string; modelId: string }
  | { kind: 'artifact'; uri: string; scheme: string; runId?: string }

const RUNS = /^runs:\/([^/\s]+)(?:\/(.*))?$/
const LOGGED_MODEL = /^models:\/(m-[0-9a-f]+)\/?$/
const SCHEME = /^([a-z][a-z0-9+.-]*):/i
/** The layout MLflow gives a run's artifacts under --serve-artifacts: <experiment>/<run>/artifacts/... */
const PROXIED_RUN_ARTIFACT =
  /^mlflow-artifacts:\/(?:\/[^/]*)?\/?[^/]+\/([0-9a-f]{32})\/artifacts(?:\/|$)/

function refuse(value: string, what: string): never {
  throw new FieldError(
    'source',
    `is '${value}': ${what}. Use runs:/<run_id>/<path>, models:/m-<id> (an MLflow 3 logged model) or an artifact URI such as mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path>.`
  )
}

/** Artifact paths are relative and never climb out of the run's artifact root. */
function cleanPath(value: string, path: string): string {
  const parts = path.split('/').filter(part => part !== '' && part !== '.')
  if (parts.includes('..')) refuse(value, "the artifact path may not contain '..'")
  return parts.join('/')
}

export function parseSource(raw: string): ModelSource {
  const uri = raw.trim()
  const run = RUNS.exec(uri)
  if (run) {
    const path = cleanPath(uri, run[2] ?? '')
    if (!/^[\w-]+$/.test(run[1]!)) refuse(uri, `'${run[1]}' is not a run id`)
    return { kind: 'run', uri, runId: run[1]!, path }
  }
  if (uri.startsWith('models:')) {
    const logged = LOGGED_MODEL.exec(uri)
    if (!logged) {
      refuse(
        uri,
        'only a logged model (models:/m-<id>) is accepted among models: URIs; a registered version is already registered'
      )
    }
    return { kind: 'logged-model', uri: `models:/${logged[1]}`, modelId: logged[1]! }
  }
  const scheme = SCHEME.exec(uri)
  if (!scheme || scheme[1]!.length === 1) {
    // One letter is a Windows drive; MLflow refuses local paths from a remote client anyway.
    refuse(
      uri,
      'a local path cannot be registered from a workflow runner; log the model to MLflow first'
    )
  }
  if (/(^|\/)\.\.(\/|$)/.test(uri)) refuse(uri, "the URI may not contain '..'")
  const runId = PROXIED_RUN_ARTIFACT.exec(uri)?.[1]
  return { kind: 'artifact', uri, scheme: scheme[1]!.toLowerCase(), ...(runId ? { runId } : {}) }
}

/** The run a source belongs to, when the source itself says so. */
export function sourceRunId(source: ModelSource): string | undefined {
  return source.kind === 'logged-model' ? undefined : source.runId
}
