import { ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createMlflowClient } from '../../src/mlflow/index.js'
import { loadPolicy } from '../../src/policy/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger } = ctx
  const model = input['model-name']
  loadPolicy({ policyFile: input['policy-file'], workspace: workspaceDir(ctx.env), model, logger })
  if (!input['run-id'] && !(model && input.version)) {
    throw new ConfigurationError(
      "Input 'model-name' with 'version', or input 'run-id', is required: it names whose metrics to check"
    )
  }
  const client = createMlflowClient(input, ctx.env, logger, ctx.setSecret)
  const runId = input['run-id'] ?? (await client.getModelVersion(model!, input.version!)).run_id
  if (!runId) throw new ConfigurationError(`${model} version ${input.version} has no run_id`)
  const run = await client.getRun(runId)
  const metrics = Object.fromEntries(run.data.metrics.map(m => [m.key, m.value]))
  ctx.setOutput('metrics', JSON.stringify(metrics))
}
