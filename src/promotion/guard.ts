import { ActionError, ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GithubClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import { environmentFindings } from '../github/environment.js'
import { stageEnvironment, type StagePolicy } from '../policy/index.js'

export interface GuardDeps {
  run: RunContext
  github: () => Promise<GithubClient>
  logger: Logger
}

export interface GuardVerdict {
  environment: string
  defaultBranch: string
  /** True when the stage requires approval, so the environment's protection was verified. */
  guarded: boolean
}

/**
 * Checks GitHub's own settings, the root of trust, before a stage is written (promote-model) or
 * named by a job (the workflow's resolve-stage): the run comes from the default branch, and the
 * stage's environment exists and, for a stage that requires approval, has required reviewers and
 * a deployment branch policy. Everything in the workspace belongs to whoever pushed the branch;
 * these settings do not.
 */
export async function verifyGuard(
  stage: StagePolicy,
  deps: GuardDeps,
  options: { requireDefaultBranch: boolean }
): Promise<GuardVerdict> {
  const { run, logger } = deps
  const environment = stageEnvironment(stage)
  const guarded = stage.requires_approval
  if (!run.owner || !run.repo || !run.runId) {
    throw new ConfigurationError(
      `Stage ${stage.name} is guarded by environment ${environment}, but GITHUB_REPOSITORY and GITHUB_RUN_ID are not set; ` +
        'run this in a GitHub Actions job'
    )
  }
  const github = await deps.github()
  const defaultBranch = run.defaultBranch ?? (await github.getDefaultBranch(run.owner, run.repo))
  if (options.requireDefaultBranch && run.ref !== `refs/heads/${defaultBranch}`) {
    throw new ActionError(
      `Stage ${stage.name} requires approval, and this run's ref is ${run.ref ?? '(unknown)'}, not the default branch ` +
        `${defaultBranch}: a branch can carry any policy and any workflow. Dispatch the promotion from ${defaultBranch}`
    )
  }
  const settings = await github.getEnvironment(run.owner, run.repo, environment)
  const findings = environmentFindings(settings, environment, `${run.owner}/${run.repo}`, guarded)
  for (const warning of findings.warnings) logger.warning(warning)
  if (findings.refusals.length > 0) {
    throw new ConfigurationError(
      `Stage ${stage.name} cannot be promoted: ${findings.refusals.join('. ')}. Nothing was changed in the registry.`
    )
  }
  logger.info(
    `Environment ${environment} ${guarded ? 'has required reviewers and a deployment branch policy' : 'exists'}; default branch ${defaultBranch}`
  )
  return { environment, defaultBranch, guarded }
}
