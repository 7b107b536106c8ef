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
  const client = createMlflowClient(input, ctx.env, logger, ctx.setSecret)
  const version = await client.getModelVersion(model, input.version)
  ctx.setOutput('version', version.version)
  ctx.setOutput('model-uri', `models:/${model}/${version.version}`)
  logger.info(`${model} version ${version.version} is in stage ${version.current_stage}`)
}
