import * as z from 'zod'
import { ActionError } from '../core/errors.js'

/**
 * A GitHub environment's protection, as GET /repos/{owner}/{repo}/environments/{name} describes
 * it (@octokit/openapi): `protection_rules[]` of type `required_reviewers` (reviewers, each a
 * User or a Team, and prevent_self_review), `wait_timer` or `branch_policy`, and
 * `deployment_branch_policy` (null when every branch may deploy).
 */
export interface EnvironmentSettings {
  name: string
  /** Undefined when the environment has no required-reviewers rule. */
  reviewers?: EnvironmentReviewer[]
  preventSelfReview: boolean
  /** Null when any branch may deploy to the environment. */
  branchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null
}

export interface EnvironmentReviewer {
  type: 'User' | 'Team'
  /**
   * A user's login, or a team's `org/slug`. GitHub's Team object names no organisation login, so
   * the org is read from its html_url (https://github.com/orgs/<org>/teams/<slug>); else the slug.
   */
  name: string
}

const reviewerSchema = z.object({
  type: z.enum(['User', 'Team']),
  reviewer: z
    .object({
      login: z.string().optional(),
      slug: z.string().optional(),
      html_url: z.string().optional()
    })
    .passthrough()
    .nullable()
    .optional()
})

export const environmentSchema = z.object({
  name: z.string(),
  protection_rules: z
    .array(
      z
        .object({
          type: z.string(),
          prevent_self_review: z.boolean().optional(),
          reviewers: z.array(reviewerSchema).optional()
        })
        .passthrough()
    )
    .optional()
    .default([]),
  deployment_branch_policy: z
    .object({ protected_branches: z.boolean(), custom_branch_policies: z.boolean() })
    .nullable()
    .optional()
})

export function parseEnvironment(data: unknown, name: string): EnvironmentSettings {
  const parsed = environmentSchema.safeParse(data)
  if (!parsed.success)
    throw new ActionError(
      `GitHub answered the request for environment '${name}' with an unexpected shape`
    )
  const env = parsed.data
  if (env.name.toLowerCase() !== name.toLowerCase())
    throw new ActionError(
      `GitHub answered the request for environment '${name}' with environment '${env.name}'`
    )
  const rule = env.protection_rules.find(r => r.type === 'required_reviewers')
  const settings: EnvironmentSettings = {
    name: env.name,
    preventSelfReview: rule?.prevent_self_review === true,
    branchPolicy: env.deployment_branch_policy
      ? {
          protectedBranches: env.deployment_branch_policy.protected_branches,
          customBranchPolicies: env.deployment_branch_policy.custom_branch_policies
        }
      : null
  }
  if (rule) {
    settings.reviewers = (rule.reviewers ?? []).map(r => ({
      type: r.type,
      name:
        r.type === 'User'
          ? (r.reviewer?.login ?? '')
          : teamName(r.reviewer?.slug ?? '', r.reviewer?.html_url)
    }))
  }
  return settings
}

function teamName(slug: string, htmlUrl: string | undefined): string {
  const org = /\/orgs\/([^/]+)\/teams\//.exec(htmlUrl ?? '')?.[1]
  return org ? `${org}/${slug}` : slug
}

export interface EnvironmentFindings {
  /** Settings that must change before the stage may be written: each names the exact setting. */
  refusals: string[]
  warnings: string[]
}

const SETTINGS = (repository: string, name: string): string =>
  `Settings → Environments → ${name} in ${repository}`

/**
 * What an environment must enforce: `approval` for an environment whose reviewers approve (required
 * reviewers and a deployment branch policy), `secrets` for the one that only releases the registry
 * credential to the promote job (a deployment branch policy), `exists` for an unguarded stage's,
 * which needs no reviewers but still holds the registry credential, so it too needs a deployment
 * branch policy: MLflow grants EDIT per model, not per stage, so that credential can move
 * Production as well (see deploymentBranchFindings for what the policy must allow).
 */
export type EnvironmentRole = 'approval' | 'secrets' | 'exists'

/**
 * The root of trust is GitHub's configuration, which nobody with only write access can change:
 * an environment a job names must exist (GitHub would create it unprotected), an environment that
 * approves must have required reviewers, and either must let only protected or named branches
 * deploy (else a workflow on any branch reaches its secrets). Pure, so the resolve-stage action
 * and promote-model apply the same rules.
 */
export function environmentFindings(
  settings: EnvironmentSettings | undefined,
  name: string,
  repository: string,
  role: EnvironmentRole
): EnvironmentFindings {
  const refusals: string[] = []
  const warnings: string[] = []
  if (!settings) {
    refusals.push(
      `Environment '${name}' does not exist in ${repository}; a job that names it would make GitHub create it with no protection. ` +
        `Create it (Settings → Environments → New environment → ${name})` +
        (role === 'approval'
          ? ', with required reviewers and a deployment branch policy'
          : ', with a deployment branch policy that lets only the default branch deploy')
    )
    return { refusals, warnings }
  }
  if (role === 'approval' && (!settings.reviewers || settings.reviewers.length === 0)) {
    refusals.push(
      `Environment '${name}' has no required reviewers, so nobody has to approve the job that names it; ` +
        `in ${SETTINGS(repository, name)}, tick Required reviewers and add the people or teams who approve`
    )
  }
  if (!settings.branchPolicy) {
    refusals.push(
      `Environment '${name}' lets every branch deploy, so a workflow on any branch reaches its secrets` +
        (role === 'approval'
          ? ''
          : ' (the registry credential, which can move every stage of the model)') +
        '; ' +
        `in ${SETTINGS(repository, name)}, set Deployment branches and tags to Protected branches only, ` +
        'or to Selected branches and tags with only the default branch'
    )
  }
  if (
    role === 'approval' &&
    settings.reviewers &&
    settings.reviewers.length > 0 &&
    !settings.preventSelfReview
  ) {
    warnings.push(
      `Environment '${name}' does not prevent self-review: the person who started a run may approve it in GitHub ` +
        `(promote-model still does not count them); in ${SETTINGS(repository, name)}, tick Prevent self-review`
    )
  }
  return { refusals, warnings }
}
