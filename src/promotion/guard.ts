import { ActionError, ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GithubClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import {
  environmentFindings,
  type EnvironmentRole,
  type EnvironmentSettings
} from '../github/environment.js'
import { signOffRoles, stageEnvironment, type StagePolicy } from '../policy/index.js'

export interface GuardDeps {
  run: RunContext
  github: () => Promise<GithubClient>
  logger: Logger
}

export interface GuardVerdict {
  /** The environment the promote job names; with sign_off it holds the registry secret only. */
  environment: string
  defaultBranch: string
  /** True when the stage requires approval, so every environment's protection was verified. */
  guarded: boolean
  /** Each environment read, by name: the sign-off check reuses their required reviewers. */
  settings: Map<string, EnvironmentSettings>
}

/** Which environments a stage uses, and what each must enforce. */
export function stageEnvironments(stage: StagePolicy): { name: string; role: EnvironmentRole }[] {
  const own = stageEnvironment(stage)
  if (!stage.requires_approval) return [{ name: own, role: 'exists' }]
  if (!stage.sign_off) return [{ name: own, role: 'approval' }]
  // The loader keeps the roles' environments apart from the stage's own, which only releases the
  // registry credential to the promote job once every role has signed off.
  return [
    { name: own, role: 'secrets' as const },
    ...signOffRoles(stage).map(r => ({ name: r.environment, role: 'approval' as const }))
  ]
}

/**
 * Checks GitHub's own settings, the root of trust, before a stage is written (promote-model) or
 * named by a job (the workflow's resolve-stage): the run comes from the default branch, and each
 * environment the stage uses exists and enforces what its part needs (see stageEnvironments).
 * Everything in the workspace belongs to whoever pushed the branch; these settings do not.
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
  const { owner, repo } = run
  const github = await deps.github()
  const defaultBranch = run.defaultBranch ?? (await github.getDefaultBranch(owner, repo))
  if (options.requireDefaultBranch && run.ref !== `refs/heads/${defaultBranch}`) {
    throw new ActionError(
      `Stage ${stage.name} requires approval, and this run's ref is ${run.ref ?? '(unknown)'}, not the default branch ` +
        `${defaultBranch}: a branch can carry any policy and any workflow. Dispatch the promotion from ${defaultBranch}`
    )
  }
  const wanted = stageEnvironments(stage)
  const read = await Promise.all(wanted.map(w => github.getEnvironment(owner, repo, w.name)))
  const settings = new Map<string, EnvironmentSettings>()
  const refusals: string[] = []
  wanted.forEach((w, i) => {
    const found = read[i]
    if (found) settings.set(w.name.toLowerCase(), found)
    const findings = environmentFindings(found, w.name, `${owner}/${repo}`, w.role)
    for (const warning of findings.warnings) logger.warning(warning)
    refusals.push(...findings.refusals)
  })
  if (refusals.length > 0) {
    throw new ConfigurationError(
      `Stage ${stage.name} cannot be promoted: ${refusals.join('. ')}. Nothing was changed in the registry.`
    )
  }
  logger.info(
    `Environments verified for ${stage.name}: ${wanted.map(w => `${w.name} (${w.role === 'approval' ? 'required reviewers, branch policy' : w.role === 'secrets' ? 'branch policy' : 'exists'})`).join(', ')}; default branch ${defaultBranch}`
  )
  return { environment, defaultBranch, guarded, settings }
}
