import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { createMlflowClient } from '../../src/mlflow/index.js'
import { loadPolicy } from '../../src/policy/index.js'
import { promote, promotionOutputs, promotionSummary } from '../../src/promotion/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

/** The audit-log action's default file; rollback reads it when the workspace has one. */
const AUDIT_LOG = 'AUDIT.log'

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const workspace = workspaceDir(env)
  const model = input['model-name']
  const policy = loadPolicy({ policyFile: input['policy-file'], workspace, model, logger })
  const client = createMlflowClient(input, env, logger, value => ctx.setSecret(value))
  const run = runContext(env)
  let result
  try {
    result = await promote(
      {
        model,
        version: input.version,
        stage: input.stage,
        alias: input.alias,
        archiveExisting: input['archive-existing'],
        allowSkip: input['allow-skip'],
        expectedPreviousVersion: input['expected-previous-version'],
        rollback: input.rollback,
        dryRun: input['dry-run'],
        timeoutMs: input['timeout-seconds'] * 1000,
        consistentReads: input['consistent-reads'],
        tagPrefix: input['tag-prefix']
      },
      {
        registry: client,
        policy,
        run,
        approvals: async () => {
          const token = input['github-token'] ?? env.GITHUB_TOKEN?.trim()
          if (!token) {
            throw new ConfigurationError(
              "Input 'github-token' is empty, and the target stage requires approval; pass github-token: ${{ github.token }} and give the job 'actions: read'"
            )
          }
          ctx.setSecret(token)
          // loaded on demand: Octokit is most of the bundle, and most promotions need no approvals
          const { createApprovalsClient } = await import('../../src/github/approvals.js')
          return createApprovalsClient(token, run.apiUrl)
        },
        readAuditLog: () => {
          const file = path.join(workspace, AUDIT_LOG)
          return existsSync(file) ? readFileSync(file, 'utf8') : undefined
        },
        clock: systemClock,
        random: Math.random,
        logger
      }
    )
  } finally {
    // undici keeps idle sockets open; closing lets the process exit as soon as the work is done.
    await client.http.close()
  }
  for (const [name, value] of Object.entries(promotionOutputs(result))) ctx.setOutput(name, value)
  ctx.summary.add(promotionSummary(result))
}
