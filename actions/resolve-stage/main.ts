import path from 'node:path'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { lazyGithubClient } from '../../src/github/lazy-client.js'
import { DEFAULT_POLICY_PATH, loadPolicy } from '../../src/policy/index.js'
import { resolveStage, stageSummary } from '../../src/promotion/index.js'
import type { Inputs } from './inputs.js'
import { stageOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const model = input['model-name']
  // The policy is required here: the workflow governs by it, and without one no stage needs
  // approval. Left at its default, the file may also be the seed's .mlflow/config.yaml.
  const byDefault = input['policy-file'] === DEFAULT_POLICY_PATH
  const policy = loadPolicy({
    ...(byDefault
      ? { root: input['policy-root'], required: true }
      : { policyFile: path.posix.join(input['policy-root'], input['policy-file']) }),
    workspace: workspaceDir(env),
    model,
    logger
  })
  // The file actually read, so the later steps read the same one.
  const policyPath = policy.source ?? path.posix.join(input['policy-root'], input['policy-file'])
  const run = runContext(env)
  const resolved = await resolveStage(
    {
      model,
      target: input.target,
      targetStage: input['target-stage'],
      justification: input.justification ?? ''
    },
    policy,
    {
      run,
      logger,
      github: lazyGithubClient({
        token: input['github-token'] ?? env.GITHUB_TOKEN,
        apiUrl: run.apiUrl,
        setSecret: value => ctx.setSecret(value),
        purpose: "the stage's environments must be checked in GitHub"
      })
    }
  )
  ctx.setOutputs(stageOutputs(resolved, policyPath))
  logger.info(
    `Target stage ${resolved.stage}, guarded by environment ${resolved.environment}` +
      (resolved.guarded ? ' (required reviewers and a deployment branch policy verified)' : '')
  )
  ctx.summary.add(stageSummary(resolved))
}
