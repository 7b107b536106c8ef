import { FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GitRunner } from '../git/git.js'
import type { RunContext } from '../github/context.js'
import { createGraphqlClient } from '../github/graphql.js'
import type { AuditStore } from './append.js'
import { currentBranch, GitAuditStore } from './git-store.js'
import { GraphqlAuditStore } from './graphql-store.js'

/** The identity the suite's git commits are made with unless the caller names another. */
export const DEFAULT_AUTHOR = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

export interface AuditStoreOptions {
  /** git: a commit pushed with git; api: a signed commit through GitHub's GraphQL API. */
  method: 'git' | 'api'
  repoDir: string
  /** The audit log's path inside the repository (repositoryPath). */
  file: string
  /** Empty: the checked-out branch (or GITHUB_REF's). */
  branch?: string | undefined
  push: boolean
  author: { name: string; email: string }
  /** Needed by the api method (contents: write). */
  token?: string | undefined
  run: RunContext
  env: NodeJS.ProcessEnv
  git: GitRunner
  logger: Logger
}

/**
 * The one place an audit store is built, for every action and command that appends: the method
 * decides the store, and each method's own requirements are checked here, before any attempt.
 */
export async function openAuditStore(options: AuditStoreOptions): Promise<AuditStore> {
  const { git, repoDir, file, run, logger } = options
  const branch = options.branch || (await currentBranch(git, repoDir, options.env))
  if (options.method === 'git') {
    return new GitAuditStore(
      git,
      { repoDir, file, branch, push: options.push, author: options.author },
      logger
    )
  }
  if (!options.token)
    throw new FieldError(
      'token',
      "is required with 'commit-method' api; pass a token with contents: write"
    )
  if (!options.push)
    throw new FieldError(
      'push',
      "is false, but 'commit-method' api always commits on GitHub; use the git method"
    )
  if (!run.owner || !run.repo)
    throw new FieldError(
      'commit-method',
      'is api, which needs GITHUB_REPOSITORY (owner/repo); run it inside GitHub Actions'
    )
  if (options.author.name !== DEFAULT_AUTHOR.name) {
    logger.warning(
      "'author-name' and 'author-email' are ignored with the api method; GitHub sets the author of signed commits"
    )
  }
  return new GraphqlAuditStore(createGraphqlClient(options.token, run.apiUrl), {
    owner: run.owner,
    repo: run.repo,
    branch,
    file
  })
}
