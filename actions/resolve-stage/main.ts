import path from 'node:path'
import type { ActionContext } from '../../src/core/run.js'
import { heading, markdownTable } from '../../src/core/summary.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { runContext } from '../../src/github/context.js'
import { lazyGithubClient } from '../../src/github/lazy-client.js'
import { loadPolicy } from '../../src/policy/index.js'
import { resolveStage } from '../../src/promotion/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const model = input['model-name']
  // The policy is required here: the workflow governs by it, and without one no stage needs approval.
  const policyPath = path.posix.join(input['policy-root'], input['policy-file'])
  const policy = loadPolicy({
    policyFile: policyPath,
    workspace: workspaceDir(env),
    model,
    logger
  })
  const run = runContext(env)
  const resolved = await resolveStage(
    {
      model,
      version: input.version ?? '',
      targetStage: input['target-stage'],
      justification: input.justification ?? '',
      rollback: input.rollback
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
  ctx.setOutput('stage', resolved.stage)
  ctx.setOutput('environment', resolved.environment)
  ctx.setOutput('from-stage', resolved.fromStage)
  ctx.setOutput('guarded', String(resolved.guarded))
  ctx.setOutput('default-branch', resolved.defaultBranch)
  ctx.setOutput('policy-path', policyPath)
  ctx.setOutput('sign-off', JSON.stringify(resolved.signOff))
  logger.info(
    `Target stage ${resolved.stage}, guarded by environment ${resolved.environment}` +
      (resolved.guarded ? ' (required reviewers and a deployment branch policy verified)' : '')
  )
  const approval = !resolved.guarded
    ? 'not required'
    : resolved.signOff.length
      ? `sign-off by ${resolved.signOff.map(r => `${r.role} (environment ${r.environment})`).join(', ')}`
      : `required reviewers of ${resolved.environment}`
  // Stage and role names come from the policy file: markdownTable escapes them as data.
  ctx.summary.add(
    `${heading('Target stage')}\n\n${markdownTable(
      ['stage', 'environment', 'from', 'approval'],
      [[resolved.stage, resolved.environment, resolved.fromStage, approval]]
    )}\n`
  )
}
