import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { ActionError, FieldError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runLineageCheck } from '../../src/dvc/lineage-check.js'
import { describeRefusal, guardPath, guardRoot } from '../../src/files/paths.js'
import { createGitRunner } from '../../src/git/git.js'
import { findLineageCommit } from '../../src/dvc/locate-commit.js'
import { loadPolicy, minLineageLevel } from '../../src/policy/index.js'
import type { Inputs } from './inputs.js'
import { lineageOutputs, locatedOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger } = ctx
  const workspace = workspaceDir(ctx.env)
  // Refuses a broken policy file early, as every action does; lineage-check reads the stage's
  // minimum lineage level from it.
  const policy = loadPolicy({
    policyFile: input['policy-file'],
    workspace,
    model: input['model-name'],
    logger
  })
  const where = guardPath(guardRoot(workspace), input['working-directory'], {
    allowExternal: input['allow-external'],
    absoluteInside: true
  })
  if (!where.ok)
    throw new FieldError(
      'working-directory',
      `is '${input['working-directory']}', which ${describeRefusal(where.why)}; give a directory inside the workspace (or set 'allow-external' to true)`
    )
  const root = where.abs
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new FieldError(
      'working-directory',
      `is '${input['working-directory']}', which is not a directory in the workspace; point it at the DVC project root`
    )
  }
  const subject = input.mlflow
  // The MLflow client (undici) is loaded only when the MLflow link is asked for: most runs
  // check the workspace alone, and start-up is part of every run.
  const client =
    subject.kind === 'none' ? undefined : (await import('../common/mlflow.js')).mlflowClient(ctx)
  if (input.mode === 'find-lineage-commit' && client && subject.kind !== 'none') {
    const found = await findLineageCommit({
      client,
      git: createGitRunner(logger, root),
      root,
      modelName: subject.model,
      version: subject.kind === 'version' ? subject.version : undefined,
      runId: subject.runId,
      defaultBranch: input['default-branch'] ?? '',
      logger
    })
    ctx.setOutputs(locatedOutputs(found))
    ctx.summary.add(found.summary)
    return
  }
  const outcome = await runLineageCheck({
    root,
    lockDisplay:
      path.relative(workspace, path.join(root, 'dvc.lock')).split(path.sep).join('/') || 'dvc.lock',
    missingData: input['missing-data'],
    allowExternal: input['allow-external'],
    requireCleanGit: input['require-clean-git'],
    modelPath: input['model-path'],
    mlflow:
      subject.kind === 'none' || !client
        ? undefined
        : {
            client,
            ...(subject.model ? { modelName: subject.model } : {}),
            ...(subject.kind === 'version' ? { version: subject.version } : {}),
            ...(subject.runId ? { runId: subject.runId } : {}),
            verifyArtifact: input['verify-mlflow-artifact'],
            env: ctx.env
          },
    minLevel: minLineageLevel(policy, input.stage),
    git: createGitRunner(logger, root),
    logger
  })
  ctx.setOutputs(lineageOutputs(outcome))
  ctx.summary.add(outcome.summary)
  if (!outcome.verified && input['fail-on-mismatch']) {
    const [first] = outcome.problems
    throw new ActionError(
      `Lineage not verified: ${outcome.problems.length} problem(s)${first ? `; first: ${first}` : ''}. See the annotations and the job summary.`
    )
  }
}
