import type { ActionContext } from '../../src/core/run.js'
import { createMlflowClient, type MlflowClient } from '../../src/mlflow/index.js'
import type { ConnectionInputs } from '../../src/mlflow/connection.js'

/**
 * The MLflow client of an action run: its secrets are masked, and it is closed when main ends
 * (ctx.defer), however main ends, so no action leaves sockets open behind it.
 */
export function mlflowClient(ctx: ActionContext<ConnectionInputs>): MlflowClient {
  const client = createMlflowClient(ctx.inputs, ctx.env, ctx.logger, value => ctx.setSecret(value))
  ctx.defer(() => client.http.close())
  return client
}
