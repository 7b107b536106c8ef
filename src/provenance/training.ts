import { MlflowApiError } from '../mlflow/errors.js'
import type { MlflowClient, ModelVersion } from '../mlflow/index.js'

/** Who trained a version, and from what: MLflow's record of the run that produced it. */
export interface TrainingFacts {
  run_id: string | null
  run_name: string | null
  experiment_id: string | null
  /** The run's user (`user_id`, else the `mlflow.user` tag MLflow's client sets). */
  user: string | null
  start_time: string | null
  end_time: string | null
  status: string | null
  /** The commit the training code was at (`mlflow.source.git.commit`, set by MLflow's client). */
  source_commit: string | null
  /** The entry point or script (`mlflow.source.name`). */
  source_name: string | null
  /** Where the version's files came from (the model version's `source`). */
  model_source: string | null
  /** Why some facts are missing (no run id on the version, the run deleted), or null. */
  unavailable: string | null
}

export type TrainingReader = Pick<MlflowClient, 'getModelVersion' | 'getRun'>

const iso = (ms: number | undefined): string | null =>
  typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null
const nonEmpty = (value: string | undefined): string | null =>
  value === undefined || value === '' ? null : value

function empty(version: ModelVersion | null, why: string): TrainingFacts {
  return {
    run_id: nonEmpty(version?.run_id),
    run_name: null,
    experiment_id: null,
    user: null,
    start_time: null,
    end_time: null,
    status: null,
    source_commit: null,
    source_name: null,
    model_source: nonEmpty(version?.source),
    unavailable: why
  }
}

/**
 * Reads the training run of one model version. A version registered from files has no run, and a
 * run can be deleted after the fact; both are answers ("unavailable: …"), not failures, because
 * the rest of what status shows is still true. Any other server error is thrown.
 */
export async function trainingFacts(
  registry: TrainingReader,
  model: string,
  version: string,
  known?: ModelVersion
): Promise<TrainingFacts> {
  let mv: ModelVersion
  try {
    mv = known ?? (await registry.getModelVersion(model, version))
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')
      return empty(null, `version ${version} is not in the registry`)
    throw error
  }
  if (!mv.run_id) return empty(mv, 'the version was registered without a run')
  let run
  try {
    run = await registry.getRun(mv.run_id)
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')
      return empty(mv, `run ${mv.run_id} no longer exists`)
    throw error
  }
  const tags = new Map(run.data.tags.map(t => [t.key, t.value]))
  return {
    run_id: run.info.run_id,
    run_name: nonEmpty(run.info.run_name) ?? nonEmpty(tags.get('mlflow.runName')),
    experiment_id: nonEmpty(run.info.experiment_id),
    user: nonEmpty(run.info.user_id) ?? nonEmpty(tags.get('mlflow.user')),
    start_time: iso(run.info.start_time),
    end_time: iso(run.info.end_time),
    status: nonEmpty(run.info.status),
    source_commit: nonEmpty(tags.get('mlflow.source.git.commit')),
    source_name: nonEmpty(tags.get('mlflow.source.name')),
    model_source: nonEmpty(mv.source),
    unavailable: run.info.lifecycle_stage === 'deleted' ? `run ${mv.run_id} is deleted` : null
  }
}
