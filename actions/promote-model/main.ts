import { readTrail, type GithubCheck, type Trail } from '../../src/audit/trail.js'
import { refuseLinkedFile } from '../../src/audit/verify.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { guardPath, guardRoot, requireAccepted } from '../../src/files/paths.js'
import { runContext } from '../../src/github/context.js'
import { lazyGithubClient } from '../../src/github/lazy-client.js'
import { loadPolicy } from '../../src/policy/index.js'
import {
  approvalPlanSummary,
  planApproval,
  promotionSummary,
  registerAndPromote,
  type PromotionDeps
} from '../../src/promotion/index.js'
import { registrationSummary } from '../../src/registration/index.js'
import { versionDigester } from '../common/artifact-digest.js'
import { githubCheckFromToken } from '../common/audit.js'
import { mlflowClient } from '../common/mlflow.js'
import type { Inputs } from './inputs.js'
import { planOutputs, promoteOutputs, type outputs } from './outputs.js'

type Context = ActionContext<Inputs, (typeof outputs.names)[number]>

export async function main(ctx: Context): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const workspace = workspaceDir(env)
  const model = input['model-name']
  const policy = loadPolicy({ policyFile: input['policy-file'], workspace, model, logger })
  const run = runContext(env)
  const registry = mlflowClient(ctx)
  const promotion = {
    model,
    stage: input.stage,
    alias: input.alias,
    archiveExisting: input['archive-existing'],
    allowSkip: input['allow-skip'],
    expectedPreviousVersion: input['expected-previous-version'],
    dryRun: input['dry-run'],
    timeoutMs: input['timeout-seconds'] * 1000,
    consistentReads: input['consistent-reads'],
    tagPrefix: input['tag-prefix'],
    rollbackVersion: input['rollback-version'],
    approvedArtifact: input['approved-artifact-digest']
      ? {
          digest: input['approved-artifact-digest'],
          manifest: input['approved-artifact-manifest']
        }
      : undefined
  }
  const deps = {
    registry,
    policy,
    run,
    github: lazyGithubClient({
      token: input['github-token'] ?? env.GITHUB_TOKEN,
      apiUrl: run.apiUrl,
      setSecret: value => ctx.setSecret(value),
      purpose: 'the target stage requires approval'
    }),
    readAuditTrail: () =>
      readAuditFile(workspace, input['audit-file'], githubFor(ctx, input['github-token'])),
    digestVersion: versionDigester(registry, env),
    clock: systemClock,
    random: Math.random,
    logger
  } satisfies PromotionDeps
  const { candidate } = input
  if (input['plan-only'] && candidate.kind !== 'register') {
    const plan = await planApproval(
      candidate.kind === 'rollback'
        ? { ...promotion, rollback: true }
        : { ...promotion, rollback: false, version: candidate.version },
      deps
    )
    ctx.setOutputs(planOutputs(plan))
    ctx.summary.add(approvalPlanSummary(plan))
    return
  }
  const outcome = await registerAndPromote({ candidate, promotion }, deps)
  ctx.setOutputs(promoteOutputs(outcome))
  if (outcome.registration) ctx.summary.add(registrationSummary(outcome.registration))
  if (outcome.kind === 'promoted') ctx.summary.add(promotionSummary(outcome.promotion))
}

/**
 * The audit log rollback reads, through the one trusted reader (chain and git history; the
 * workflow's promote job checks the audit branch out whole for it). Never through a link: a
 * symlink could make it read any file the runner can. Undefined when there is none.
 */
async function readAuditFile(
  workspace: string,
  file: string,
  github: GithubCheck | undefined
): Promise<Trail | undefined> {
  // The one path guard decides where the file is and whether it may be read; the audit log's
  // own rule comes first: never a link at all, even one that stays inside.
  const label = `Input 'audit-file' (${file})`
  const guarded = guardPath(guardRoot(workspace), file, { allowExternal: false })
  refuseLinkedFile(guarded.abs, workspace, label)
  const safe = requireAccepted(guarded, label, undefined, 'name a file in the repository')
  const trail = await readTrail(safe.abs, {
    root: workspace,
    label,
    ...(github
      ? { github }
      : {
          githubUnavailable:
            "no github-token was given (nor GITHUB_TOKEN), so GitHub's record of the runs was not read"
        })
  })
  return trail.exists ? trail : undefined
}

/**
 * GitHub's record of the runs for the trail rollback reads: only an entry it backs may choose
 * the version to restore (src/promotion/rollback.ts refuses without it). Built lazily, so a
 * promotion without an audit log never needs GITHUB_REPOSITORY.
 */
function githubFor(ctx: Context, token: string | undefined): GithubCheck | undefined {
  const value = token || ctx.env.GITHUB_TOKEN
  if (!value) return undefined
  ctx.setSecret(value)
  // The stages and roles of the same policy file the promotion itself follows.
  return githubCheckFromToken(ctx, value, {
    input: 'github-token',
    policyFile: ctx.inputs['policy-file']
  })
}
