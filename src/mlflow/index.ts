import type { Logger } from '../core/logger.js'
import { connectionSecrets, resolveConnection, type ConnectionInputs } from './connection.js'
import { MlflowHttp, responseLimitsFromEnv, retryPolicyFromEnv } from './http.js'
import { MlflowClient } from './registry.js'

export { MlflowClient, MLFLOW_STAGES, type MlflowStage } from './registry.js'
export { MlflowApiError, MlflowUnavailableError } from './errors.js'
export type { ModelVersion, RegisteredModel, Run, Metric, LoggedModel } from './schemas.js'

/**
 * Builds the client from an action's connection inputs and MLflow's environment variables,
 * registering every secret for masking before any request is made.
 */
export function createMlflowClient(
  inputs: ConnectionInputs,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  setSecret: (value: string) => void
): MlflowClient {
  const connection = resolveConnection(inputs, env)
  for (const secret of connectionSecrets(connection)) setSecret(secret)
  logger.debug(`MLflow tracking server: ${connection.server} (auth: ${connection.auth.kind})`)
  return new MlflowClient(
    new MlflowHttp(connection, {
      logger,
      retry: retryPolicyFromEnv(env),
      limits: responseLimitsFromEnv(env)
    })
  )
}
