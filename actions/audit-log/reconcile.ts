import path from 'node:path'
import { appendEntry, type AuditStore } from '../../src/audit/append.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { createGitRunner, type GitRunner } from '../../src/git/git.js'
import { runContext, type RunContext } from '../../src/github/context.js'
import { createMlflowClient } from '../../src/mlflow/index.js'
import { runReconcileMode } from '../../src/reconcile/mode.js'
import { policyResolver } from '../../src/policy/index.js'
import type { inputs } from './inputs.js'
import { identitiesInput } from './verify.js'

type Context = ActionContext<typeof inputs.specs>

/** mode: reconcile — compares the registry with the audit log (src/reconcile), recording drift through append. */
export async function reconcileMode(
  ctx: Context,
  file: string,
  buildStore: (git: GitRunner, context: RunContext, repoDir: string) => Promise<AuditStore>
): Promise<void> {
  const { inputs: input } = ctx
  const repoDir = workspaceDir(ctx.env)
  const git = createGitRunner(ctx.logger, repoDir)
  const context = runContext(ctx.env)
  const registry = createMlflowClient(input, ctx.env, ctx.logger, value => ctx.setSecret(value))
  const identities = identitiesInput(ctx)
  const models = (input['model-name'] ?? '')
    .split(',')
    .map(m => m.trim())
    .filter(m => m !== '')
  await runReconcileMode(
    {
      file: { full: path.join(repoDir, file), label: file },
      models,
      failOnDrift: input['fail-on-drift'],
      recordDrift: input['record-drift'],
      trail: { history: input.history, ...(identities ? { identities } : {}) }
    },
    {
      registry,
      policyFor: policyResolver({
        policyFile: input['policy-file'],
        workspace: repoDir,
        logger: ctx.logger
      }),
      logger: ctx.logger,
      clock: systemClock,
      run: context,
      gitCommit: async () => {
        if (context.sha) return context.sha
        const head = await git.run(['rev-parse', 'HEAD'], { allowFailure: true })
        return head.code === 0 ? head.stdout.trim() : ''
      },
      record: async fields => {
        const store = await buildStore(git, context, repoDir)
        const result = await appendEntry(
          store,
          fields,
          file,
          { maxAttempts: input['max-attempts'], backoffMs: input['backoff-ms'] },
          { logger: ctx.logger, clock: systemClock }
        )
        ctx.setOutput('commit-sha', result.commitSha)
        return result
      },
      setOutput: (name, value) => ctx.setOutput(name, value),
      summary: ctx.summary
    }
  )
}
