import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { ActionError, ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runLineageCheck } from '../../src/dvc/lineage-check.js'
import { describeRefusal, guardPath, guardRoot } from '../../src/files/paths.js'
import { createGitRunner } from '../../src/git/git.js'
import { loadPolicy } from '../../src/policy/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger } = ctx
  const workspace = workspaceDir(ctx.env)
  loadPolicy({ policyFile: input['policy-file'], workspace, model: input['model-name'], logger })
  const where = guardPath(guardRoot(workspace), input['working-directory'], {
    allowExternal: input['allow-external'],
    absoluteInside: true
  })
  if (!where.ok)
    throw new ConfigurationError(
      `Input 'working-directory' is '${input['working-directory']}', which ${describeRefusal(where.why)}; give a directory inside the workspace (or set allow-external: true)`
    )
  const root = where.abs
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ConfigurationError(
      `Input 'working-directory' is '${input['working-directory']}', which is not a directory in the workspace; point it at the DVC project root`
    )
  }
  if (input.version && !input['model-name'])
    throw new ConfigurationError(
      "Input 'version' is set without 'model-name'; set both, or use 'run-id'"
    )
  if (input['model-name'] && !input.version && !input['run-id']) {
    throw new ConfigurationError(
      "Input 'model-name' needs 'version' (the registered version to check); or use 'run-id'"
    )
  }
  const wantsMlflow = Boolean(input['run-id'] || (input['model-name'] && input.version))
  if (input['verify-mlflow-artifact'] && !wantsMlflow) {
    throw new ConfigurationError(
      "Input 'verify-mlflow-artifact' is true, but neither 'model-name' + 'version' nor 'run-id' names what to compare; set them or turn it off"
    )
  }
  // The MLflow client (undici) is loaded only when the MLflow link is asked for: most runs
  // check the workspace alone, and start-up is part of every run.
  const mlflow = wantsMlflow
    ? (await import('../../src/mlflow/index.js')).createMlflowClient(
        input,
        ctx.env,
        logger,
        value => ctx.setSecret(value)
      )
    : undefined
  const outcome = await runLineageCheck({
    root,
    lockDisplay:
      path.relative(workspace, path.join(root, 'dvc.lock')).split(path.sep).join('/') || 'dvc.lock',
    missingData: input['missing-data'],
    allowExternal: input['allow-external'],
    requireCleanGit: input['require-clean-git'],
    modelPath: input['model-path'],
    mlflow: mlflow && {
      client: mlflow,
      ...(input['model-name'] ? { modelName: input['model-name'] } : {}),
      ...(input.version ? { version: input.version } : {}),
      ...(input['run-id'] ? { runId: input['run-id'] } : {}),
      verifyArtifact: input['verify-mlflow-artifact']
    },
    git: createGitRunner(logger, root),
    logger
  })
  ctx.setOutput('verified', outcome.verified)
  ctx.setOutput('report', outcome.reportJson)
  ctx.setOutput('lock-sha256', outcome.lockSha256)
  ctx.setOutput('git-commit', outcome.gitCommit)
  ctx.setOutput('model-path', outcome.modelPath)
  ctx.setOutput('model-md5', outcome.modelMd5)
  ctx.setOutput('stages-checked', outcome.stagesChecked)
  // One JSON value built here, so a workflow passes it to audit-log whole, never by pasting
  // outputs into a JSON string (an output could then change the structure of the input).
  ctx.setOutput(
    'lineage',
    JSON.stringify({
      'lock-sha256': outcome.lockSha256,
      'model-md5': outcome.modelMd5,
      verified: outcome.verified
    })
  )
  ctx.summary.add(outcome.summary)
  if (!outcome.verified && input['fail-on-mismatch']) {
    const [first] = outcome.problems
    throw new ActionError(
      `Lineage not verified: ${outcome.problems.length} problem(s)${first ? `; first: ${first}` : ''}. See the annotations and the job summary.`
    )
  }
}
