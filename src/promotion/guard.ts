import { ActionError, ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GithubClient } from '../github/approvals.js'
import type { RunContext } from '../github/context.js'
import {
  deploymentBranchFindings,
  reviewerFindings,
  type ReviewerFacts
} from '../github/deployment-rules.js'
import type { DeploymentBranchPolicy } from '../github/deployment-branches.js'
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
      `Stage ${stage.name} ${guarded ? 'requires approval' : 'names an environment that holds the registry credential'}, ` +
        `and this run's ref is ${run.ref ?? '(unknown)'}, not the default branch ` +
        `${defaultBranch}: a branch can carry any policy and any workflow. Dispatch the promotion from ${defaultBranch}`
    )
  }
  const wanted = stageEnvironments(stage)
  const read = await Promise.all(wanted.map(w => github.getEnvironment(owner, repo, w.name)))
  const settings = new Map<string, EnvironmentSettings>()
  const refusals: string[] = []
  const repository = `${owner}/${repo}`
  const facts = await deploymentFacts(github, run, owner, repo, read)
  wanted.forEach((w, i) => {
    const found = read[i]
    if (found) settings.set(w.name.toLowerCase(), found)
    const findings = environmentFindings(found, w.name, repository, w.role)
    if (found) {
      const branches = deploymentBranchFindings(found, repository, {
        defaultBranch,
        protectedBranches: facts.protectedBranches,
        policies: facts.policies.get(w.name.toLowerCase())
      })
      findings.refusals.push(...branches.refusals)
      findings.warnings.push(...branches.warnings)
      if (w.role === 'approval')
        findings.warnings.push(...reviewerFindings(found, repository, facts.reviewers))
    }
    for (const warning of findings.warnings) logger.warning(warning)
    refusals.push(...findings.refusals)
  })
  if (refusals.length > 0) {
    throw new ConfigurationError(
      `Stage ${stage.name} cannot be promoted: ${refusals.join('. ')}. Nothing was changed in the registry.`
    )
  }
  logger.info(
    `Environments verified for ${stage.name}: ${wanted.map(w => `${w.name} (${w.role === 'approval' ? 'required reviewers, default branch only' : 'default branch only'})`).join(', ')}; default branch ${defaultBranch}`
  )
  return { environment, defaultBranch, guarded, settings }
}

/**
 * What GitHub says about who may deploy to and review the environments read: the protected
 * branches (once, when an environment allows them), each custom environment's branch rules, and
 * each reviewing team's members (where the token can read them). Every request is made only when
 * an environment needs it, so an unguarded setup costs no extra call.
 */
async function deploymentFacts(
  github: GithubClient,
  run: RunContext,
  owner: string,
  repo: string,
  read: (EnvironmentSettings | undefined)[]
): Promise<{
  protectedBranches: string[] | undefined
  policies: Map<string, DeploymentBranchPolicy[]>
  reviewers: ReviewerFacts
}> {
  const present = read.filter((e): e is EnvironmentSettings => e !== undefined)
  const protectedBranches = present.some(e => e.branchPolicy?.protectedBranches)
    ? await github.listProtectedBranches(owner, repo)
    : undefined
  const policies = new Map<string, DeploymentBranchPolicy[]>()
  for (const env of present.filter(e => e.branchPolicy?.customBranchPolicies))
    policies.set(
      env.name.toLowerCase(),
      await github.listDeploymentBranchPolicies(owner, repo, env.name)
    )
  const teamMembers = new Map<string, string[] | undefined>()
  for (const env of present)
    for (const r of env.reviewers ?? []) {
      const key = r.name.toLowerCase()
      if (r.type !== 'Team' || teamMembers.has(key)) continue
      const [org, slug] = r.name.split('/')
      teamMembers.set(key, org && slug ? await github.listTeamMembers(org, slug) : undefined)
    }
  const dispatchers = [run.actor, run.triggeringActor].filter((a): a is string => !!a)
  return { protectedBranches, policies, reviewers: { dispatchers, teamMembers } }
}
