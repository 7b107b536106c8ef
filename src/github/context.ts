import { readFileSync, statSync } from 'node:fs'

/**
 * The workflow run as the runner describes it in GITHUB_* variables. Read from an explicit env
 * so tests and the CLI can supply their own.
 */
export interface RunContext {
  repository?: string
  owner?: string
  repo?: string
  runId?: string
  runAttempt?: string
  runUrl?: string
  /** The account that started this run attempt (GITHUB_ACTOR). */
  actor?: string
  /** The account that triggered the run (GITHUB_TRIGGERING_ACTOR; differs from actor on re-runs). */
  triggeringActor?: string
  workflowRef?: string
  sha?: string
  ref?: string
  eventName?: string
  /** The repository's default branch, from the event payload GitHub wrote (GITHUB_EVENT_PATH). */
  defaultBranch?: string
  serverUrl: string
  apiUrl: string
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim()
  return v ? v : undefined
}

/** Event payloads are small; a larger file is not what the runner wrote, so it is not read. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024

/**
 * `repository.default_branch` of the event payload. GitHub writes the payload, so a user with
 * write access cannot change it; on any doubt the callers ask the API instead.
 */
function eventDefaultBranch(env: NodeJS.ProcessEnv): string | undefined {
  const file = value(env, 'GITHUB_EVENT_PATH')
  if (!file) return undefined
  try {
    const stat = statSync(file)
    if (!stat.isFile() || stat.size > MAX_EVENT_BYTES) return undefined
    const payload = JSON.parse(readFileSync(file, 'utf8')) as {
      repository?: { default_branch?: unknown }
    }
    const branch = payload.repository?.default_branch
    return typeof branch === 'string' && branch.trim() ? branch.trim() : undefined
  } catch {
    return undefined
  }
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const repository = value(env, 'GITHUB_REPOSITORY')
  const [owner, repo] = repository?.split('/') ?? []
  const serverUrl = value(env, 'GITHUB_SERVER_URL') ?? 'https://github.com'
  const runId = value(env, 'GITHUB_RUN_ID')
  const runAttempt = value(env, 'GITHUB_RUN_ATTEMPT')
  const context: RunContext = {
    serverUrl,
    apiUrl: value(env, 'GITHUB_API_URL') ?? 'https://api.github.com'
  }
  const set = <K extends keyof RunContext>(key: K, v: RunContext[K] | undefined): void => {
    if (v !== undefined) context[key] = v
  }
  set('repository', repository)
  set('owner', owner)
  set('repo', repo)
  set('runId', runId)
  set('runAttempt', runAttempt)
  if (repository && runId) {
    set(
      'runUrl',
      `${serverUrl}/${repository}/actions/runs/${runId}${runAttempt ? `/attempts/${runAttempt}` : ''}`
    )
  }
  set('actor', value(env, 'GITHUB_ACTOR'))
  set('triggeringActor', value(env, 'GITHUB_TRIGGERING_ACTOR') ?? value(env, 'GITHUB_ACTOR'))
  set('workflowRef', value(env, 'GITHUB_WORKFLOW_REF'))
  set('sha', value(env, 'GITHUB_SHA'))
  set('ref', value(env, 'GITHUB_REF'))
  set('eventName', value(env, 'GITHUB_EVENT_NAME'))
  set('defaultBranch', eventDefaultBranch(env))
  return context
}
