import path from 'node:path'
import { repositoryPath } from '../../src/audit/git-store.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner } from '../../src/git/git.js'
import { runContext } from '../../src/github/context.js'
import { policyResolver } from '../../src/policy/index.js'
import { runReconcile } from '../../src/reconcile/index.js'
import {
  appendFromInputs,
  auditIdentities,
  githubCheckFromToken,
  headCommit
} from '../common/audit.js'
import { mlflowClient } from '../common/mlflow.js'
import type { Inputs } from './inputs.js'
import { reconcileOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

/** Compares the registry with the audit log (src/reconcile); drift is recorded through the audit store. */
export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger } = ctx
  const repoDir = workspaceDir(ctx.env)
  const file = repositoryPath(input.file)
  const git = createGitRunner(logger, repoDir)
  const run = runContext(ctx.env)
  const identities = auditIdentities(input['audit-identities'])
  const result = await runReconcile(
    {
      file: { full: path.join(repoDir, file), label: file },
      models: (input['model-name'] ?? '')
        .split(',')
        .map(m => m.trim())
        .filter(m => m !== ''),
      failOnDrift: input['fail-on-drift'],
      recordDrift: input['record-drift'],
      trail: {
        history: input.history,
        ...(identities ? { identities } : {}),
        // GitHub's record of the runs, the root of trust: with a token, only entries it backs
        // say what should be served (the same verdict as every other reader).
        ...(input.token
          ? {
              github: githubCheckFromToken(ctx, input.token, { policyFile: input['policy-file'] })
            }
          : {})
      }
    },
    {
      registry: mlflowClient(ctx),
      policyFor: policyResolver({ policyFile: input['policy-file'], workspace: repoDir, logger }),
      logger,
      clock: systemClock,
      run,
      gitCommit: () => headCommit(git, run),
      record: fields => appendFromInputs(ctx, { git, run, repoDir, file }, fields)
    }
  )
  ctx.setOutputs(reconcileOutputs(result))
  ctx.summary.add(result.summary)
  // Whatever append threw (an ActionError, or a bug the wrapper reports as one).
  if (result.recordError !== undefined) throw result.recordError as Error
  if (result.driftError) throw result.driftError
}
