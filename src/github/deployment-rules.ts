import type { DeploymentBranchPolicy } from './deployment-branches.js'
import type { EnvironmentFindings, EnvironmentSettings } from './environment.js'
import { fnmatch, literalPattern } from './fnmatch.js'

/** What GitHub says about the refs that may deploy to an environment, read by the guard. */
export interface DeploymentFacts {
  defaultBranch: string
  /** The repository's protected branches; read when the environment allows protected branches. */
  protectedBranches?: string[]
  /** The environment's rules; read when it has custom branch policies. */
  policies?: DeploymentBranchPolicy[]
}

const SETTINGS = (repository: string, name: string): string =>
  `Settings → Environments → ${name} in ${repository}`

/** At most this many names in one message; the rest are counted. */
const LIST = 5

function list(names: string[]): string {
  const shown = names.slice(0, LIST).map(n => `'${n}'`)
  return names.length > LIST
    ? `${shown.join(', ')} and ${names.length - LIST} more`
    : shown.join(', ')
}

/**
 * An environment that holds the registry credential, or approves, must let only the default branch
 * deploy: anyone with write access can push another branch (or a tag) and dispatch from it, and a
 * run there would reach the environment's secrets. GitHub matches the rules with fnmatch
 * (fnmatch.ts), so a rule passes only when it is exactly the default branch, with no wildcard;
 * "Protected branches only" passes when the default branch is protected (other protected branches
 * are warned about: they can deploy too). Pure: the guard reads the facts.
 */
export function deploymentBranchFindings(
  settings: EnvironmentSettings,
  repository: string,
  facts: DeploymentFacts
): EnvironmentFindings {
  const refusals: string[] = []
  const warnings: string[] = []
  const { name, branchPolicy } = settings
  const main = facts.defaultBranch
  if (!branchPolicy) return { refusals, warnings } // environmentFindings refuses that already
  const fix =
    `in ${SETTINGS(repository, name)}, set Deployment branches and tags to Selected branches and tags ` +
    `with the one branch rule '${main}'`
  if (branchPolicy.protectedBranches) {
    const protectedBranches = facts.protectedBranches ?? []
    if (!protectedBranches.includes(main)) {
      refusals.push(
        `Environment '${name}' lets protected branches deploy, and the default branch '${main}' is not protected` +
          (protectedBranches.length > 0
            ? `, so only ${list(protectedBranches)} can`
            : ', so no branch can') +
          `; protect '${main}' (Settings → Rules or Branches), or ${fix}`
      )
    } else {
      const others = protectedBranches.filter(b => b !== main)
      if (others.length > 0)
        warnings.push(
          `Environment '${name}' lets every protected branch deploy, and besides '${main}' ${list(others)} ` +
            `${others.length === 1 ? 'is' : 'are'} protected: whoever may push there reaches its secrets; ${fix}`
        )
    }
  }
  if (branchPolicy.customBranchPolicies) {
    const policies = facts.policies ?? []
    const tags = policies.filter(p => p.type === 'tag').map(p => p.name)
    const branches = policies.filter(p => p.type === 'branch').map(p => p.name)
    const wide = branches.filter(p => literalPattern(p) !== main)
    if (tags.length > 0)
      refusals.push(
        `Environment '${name}' lets tags matching ${list(tags)} deploy, and anyone with write access can push a tag ` +
          `at any commit; remove the tag rules: ${fix}`
      )
    if (wide.length > 0) {
      const coversMain = wide.filter(p => fnmatch(p, main))
      refusals.push(
        `Environment '${name}' lets branches other than '${main}' deploy: the rule${wide.length === 1 ? '' : 's'} ` +
          `${list(wide)} match${wide.length === 1 ? 'es' : ''} ` +
          (coversMain.length === wide.length
            ? `'${main}' and other branches`
            : 'branches that anyone with write access can push') +
          ` (GitHub matches them with fnmatch; only the exact name '${main}' is safe); ${fix}`
      )
    }
    if (tags.length === 0 && wide.length === 0 && !branches.includes(main))
      refusals.push(
        `Environment '${name}' lets no branch deploy (it has no branch rule), so the default branch '${main}' ` +
          `cannot use it either; ${fix}`
      )
  }
  return { refusals, warnings }
}

/** Who can review an environment, as far as the token can see: its users and readable teams' members. */
export interface ReviewerFacts {
  /** The people who started this run (GITHUB_ACTOR, GITHUB_TRIGGERING_ACTOR). */
  dispatchers: string[]
  /** Members by team `org/slug`; undefined for a team the token cannot read. */
  teamMembers: Map<string, string[] | undefined>
}

/**
 * Warnings about required reviewers that only look like a second person: a team with no members
 * (nobody can approve), or reviewers who are all the person who dispatched the run (they approve
 * their own promotion, or with Prevent self-review nobody can). Warnings, not refusals: the
 * suite's own approval check still refuses a self-approval, and a team's members may change.
 */
export function reviewerFindings(
  settings: EnvironmentSettings,
  repository: string,
  facts: ReviewerFacts
): string[] {
  const warnings: string[] = []
  const reviewers = settings.reviewers ?? []
  if (reviewers.length === 0) return warnings
  const people = new Set<string>()
  let unknown = false
  for (const r of reviewers) {
    if (r.type === 'User') {
      people.add(r.name.toLowerCase())
      continue
    }
    const members = facts.teamMembers.get(r.name.toLowerCase())
    if (members === undefined) {
      unknown = true
      continue
    }
    if (members.length === 0)
      warnings.push(
        `Environment '${settings.name}' requires a review from team @${r.name}, which has no members, so nobody in ` +
          `it can approve; add members to the team or change the required reviewers in ${SETTINGS(repository, settings.name)}`
      )
    for (const m of members) people.add(m.toLowerCase())
  }
  const dispatchers = new Set(facts.dispatchers.map(d => d.toLowerCase()))
  if (!unknown && people.size > 0 && [...people].every(p => dispatchers.has(p)))
    warnings.push(
      `Environment '${settings.name}' can be approved only by ${list([...people])}, who started this run: ` +
        (settings.preventSelfReview
          ? 'with Prevent self-review nobody can approve it'
          : 'they would approve their own promotion (promote-model does not count it)') +
        `; add other required reviewers in ${SETTINGS(repository, settings.name)}`
    )
  return warnings
}
