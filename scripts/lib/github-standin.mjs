// Shared by the tests (test/harness/github-fake.ts re-exports it, typed by github-standin.d.mts)
// and `npm run demo`; plain JavaScript so the demo runs without node_modules.
import http from 'node:http'
const STAMP = '2026-01-01T00:00:00Z'
function environmentRef(repository, name, id) {
  return {
    id,
    node_id: `EN_${id}`,
    name,
    url: `https://api.github.com/repos/${repository}/environments/${name}`,
    html_url: `https://github.com/${repository}/deployments/activity_log?environments_filter=${name}`,
    created_at: STAMP,
    updated_at: STAMP
  }
}
function user(login) {
  const id = 1000 + [...login].reduce((sum, c) => sum + c.charCodeAt(0), 0)
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `https://api.github.com/users/${login}/followers`,
    following_url: `https://api.github.com/users/${login}/following{/other_user}`,
    gists_url: `https://api.github.com/users/${login}/gists{/gist_id}`,
    starred_url: `https://api.github.com/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `https://api.github.com/users/${login}/subscriptions`,
    organizations_url: `https://api.github.com/users/${login}/orgs`,
    repos_url: `https://api.github.com/users/${login}/repos`,
    events_url: `https://api.github.com/users/${login}/events{/privacy}`,
    received_events_url: `https://api.github.com/users/${login}/received_events`,
    type: 'User',
    site_admin: false
  }
}
function teamSimple(org, slug) {
  const id = 500 + [...`${org}/${slug}`].reduce((sum, c) => sum + c.charCodeAt(0), 0)
  return {
    id,
    node_id: `T_${id}`,
    url: `https://api.github.com/organizations/77/team/${id}`,
    members_url: `https://api.github.com/organizations/77/team/${id}/members{/member}`,
    name: slug,
    description: null,
    permission: 'pull',
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    html_url: `https://github.com/orgs/${org}/teams/${slug}`,
    repositories_url: `https://api.github.com/organizations/77/team/${id}/repos`,
    slug,
    parent: null,
    type: 'organization',
    organization_id: 77
  }
}
function teamFull(org, slug, members) {
  const api = `https://api.github.com/orgs/${org}`
  return {
    ...teamSimple(org, slug),
    members_count: members,
    repos_count: 1,
    created_at: STAMP,
    updated_at: STAMP,
    organization: {
      login: org,
      id: 77,
      node_id: 'O_77',
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: 'https://avatars.githubusercontent.com/u/77?v=4',
      description: null,
      html_url: `https://github.com/${org}`,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 1,
      public_gists: 0,
      followers: 0,
      following: 0,
      type: 'Organization',
      created_at: STAMP,
      updated_at: STAMP,
      archived_at: null
    }
  }
}
function repositoryBody(repository, defaultBranch) {
  const [owner, name] = repository.split('/')
  const api = `https://api.github.com/repos/${repository}`
  const urls = Object.fromEntries(
    [
      'archive',
      'assignees',
      'blobs',
      'branches',
      'collaborators',
      'comments',
      'commits',
      'compare',
      'contents',
      'contributors',
      'deployments',
      'downloads',
      'events',
      'forks',
      'git_commits',
      'git_refs',
      'git_tags',
      'issue_comment',
      'issue_events',
      'issues',
      'keys',
      'labels',
      'languages',
      'merges',
      'milestones',
      'notifications',
      'pulls',
      'releases',
      'stargazers',
      'statuses',
      'subscribers',
      'subscription',
      'tags',
      'teams',
      'trees',
      'hooks'
    ].map(key => [`${key}_url`, `${api}/${key}`])
  )
  return {
    id: 4242,
    node_id: 'R_4242',
    name,
    full_name: repository,
    owner: user(owner ?? 'acme'),
    private: false,
    html_url: `https://github.com/${repository}`,
    description: null,
    fork: false,
    url: api,
    ...urls,
    git_url: `git://github.com/${repository}.git`,
    ssh_url: `git@github.com:${repository}.git`,
    clone_url: `https://github.com/${repository}.git`,
    svn_url: `https://github.com/${repository}`,
    mirror_url: null,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 1,
    default_branch: defaultBranch,
    open_issues_count: 0,
    is_template: false,
    has_discussions: false,
    license: null,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: STAMP,
    created_at: STAMP,
    updated_at: STAMP,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    network_count: 0,
    subscribers_count: 0
  }
}
function environmentBody(repository, name, id, env) {
  const rules = []
  if (env.reviewers && env.reviewers.length > 0) {
    rules.push({
      id: id * 10 + 1,
      node_id: `GA_${id}_1`,
      type: 'required_reviewers',
      prevent_self_review: env.preventSelfReview ?? false,
      reviewers: env.reviewers.map(name => {
        const team = /^@([^/]+)\/(.+)$/.exec(name)
        return team
          ? { type: 'Team', reviewer: teamSimple(team[1], team[2]) }
          : { type: 'User', reviewer: user(name) }
      })
    })
  }
  const policy = env.branchPolicy ?? 'none'
  if (policy !== 'none')
    rules.push({ id: id * 10 + 2, node_id: `GA_${id}_2`, type: 'branch_policy' })
  return {
    ...environmentRef(repository, name, id),
    protection_rules: rules,
    deployment_branch_policy:
      policy === 'none'
        ? null
        : {
            protected_branches: policy === 'protected',
            custom_branch_policies: policy === 'custom'
          }
  }
}
function minimalRepository(repository) {
  const full = repositoryBody(repository, 'main')
  const keep = [
    'id',
    'node_id',
    'name',
    'full_name',
    'owner',
    'private',
    'html_url',
    'description',
    'fork',
    'url'
  ]
  return Object.fromEntries(
    Object.entries(full).filter(([key]) => keep.includes(key) || key.endsWith('_url'))
  )
}
// GET /repos/{owner}/{repo}/actions/runs/{run_id}, with every field @octokit/openapi requires.
function workflowRunBody(repository, id, run, attempt) {
  const api = `https://api.github.com/repos/${repository}/actions/runs/${id}`
  const headSha = run.headSha ?? 'f'.repeat(40)
  return {
    id: Number(id),
    name: run.name ?? 'promote',
    node_id: `WFR_${id}`,
    check_suite_id: Number(id) * 3,
    check_suite_node_id: `CS_${id}`,
    head_branch: run.headBranch === undefined ? 'main' : run.headBranch,
    head_sha: headSha,
    path: run.path,
    run_number: run.runNumber ?? 1,
    run_attempt: attempt ?? run.runAttempt ?? 1,
    referenced_workflows: run.referencedWorkflows === undefined ? [] : run.referencedWorkflows,
    event: run.event ?? 'workflow_dispatch',
    status: run.status ?? 'completed',
    conclusion:
      run.conclusion !== undefined
        ? run.conclusion
        : (run.status ?? 'completed') === 'completed'
          ? 'success'
          : null,
    workflow_id: 161335,
    url: api,
    html_url: `https://github.com/${repository}/actions/runs/${id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt ?? run.createdAt,
    actor: user(run.actor),
    triggering_actor: user(run.triggeringActor ?? run.actor),
    run_started_at: run.createdAt,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `https://api.github.com/repos/${repository}/check-suites/${Number(id) * 3}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `https://api.github.com/repos/${repository}/actions/workflows/161335`,
    head_commit: {
      id: headSha,
      tree_id: 'e'.repeat(40),
      message: 'promote',
      timestamp: run.createdAt,
      author: { name: 'Octo Cat', email: 'octocat@example.com' },
      committer: { name: 'GitHub', email: 'noreply@github.com' }
    },
    repository: minimalRepository(repository),
    head_repository: minimalRepository(repository),
    // GitHub records the evaluated run-name (else the workflow's name) as display_title.
    display_title: run.displayTitle ?? run.name ?? 'promote'
  }
}
// One commit as GET …/compare/{basehead} lists it (schema "commit"), with the fields it requires.
function commitBody(repository, sha, parent) {
  const api = `https://api.github.com/repos/${repository}`
  const who = { name: 'Octo Cat', email: 'octocat@example.com', date: STAMP }
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: `C_${sha.slice(0, 12)}`,
    html_url: `https://github.com/${repository}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: who,
      committer: who,
      message: 'commit',
      comment_count: 0,
      tree: { sha: 'e'.repeat(40), url: `${api}/git/trees/${'e'.repeat(40)}` }
    },
    author: null,
    committer: null,
    parents: parent
      ? [
          {
            sha: parent,
            url: `${api}/commits/${parent}`,
            html_url: `https://github.com/${repository}/commit/${parent}`
          }
        ]
      : []
  }
}
// ---- Deployment branch rules, protected branches and team members ----------------------------
// GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies
// GET /repos/{owner}/{repo}/branches?protected=true
// GET /orgs/{org}/teams/{team_slug}/members
// Each paginated as GitHub does (per_page up to 100, default 30; page from 1).
function pageOf(url, items) {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100)
  const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1)
  return items.slice((page - 1) * perPage, page * perPage)
}
function answerDeploymentReads(url, segments, send, notFound, state) {
  const { repositories, environments, teams, branches, envKey } = state
  if (
    segments.length === 6 &&
    segments[1] === 'orgs' &&
    segments[3] === 'teams' &&
    segments[5] === 'members'
  ) {
    const route = '/orgs/{org}/teams/{team_slug}/members'
    const found = teams.get(`@${segments[2]}/${segments[4]}`.toLowerCase())
    if (!found?.visible) notFound(route)
    else send(route, 200, pageOf(url, found.members).map(user))
    return true
  }
  if (segments[1] !== 'repos' || !segments[2] || !segments[3]) return false
  const repository = `${segments[2]}/${segments[3]}`
  const rest = segments.slice(4)
  const known =
    repositories.has(repository) ||
    [...environments.keys()].some(key => key.startsWith(`${repository}#`))
  if (rest.length === 1 && rest[0] === 'branches') {
    const route = '/repos/{owner}/{repo}/branches'
    if (!known) {
      notFound(route)
      return true
    }
    // Unless set, the default branch is the one protected branch.
    const names = branches.get(repository) ?? [repositories.get(repository) ?? 'main']
    const onlyProtected = url.searchParams.get('protected') === 'true'
    const listed = onlyProtected
      ? names
      : [...new Set([repositories.get(repository) ?? 'main', ...names])]
    send(
      route,
      200,
      pageOf(url, listed).map(name => ({
        name,
        commit: {
          sha: 'f'.repeat(40),
          url: `https://api.github.com/repos/${repository}/commits/${'f'.repeat(40)}`
        },
        protected: names.includes(name)
      }))
    )
    return true
  }
  if (rest.length === 3 && rest[0] === 'environments' && rest[2] === 'deployment-branch-policies') {
    const route = '/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies'
    const found = environments.get(envKey(repository, rest[1]))
    if (!found) {
      notFound(route)
      return true
    }
    const rules = found.settings.branchPolicy === 'custom' ? (found.settings.branchRules ?? []) : []
    const all = rules.map((rule, i) => ({
      id: found.id * 100 + i,
      node_id: `DBP_${found.id}_${i}`,
      name: rule.name,
      type: rule.type ?? 'branch'
    }))
    send(route, 200, { total_count: all.length, branch_policies: pageOf(url, all) })
    return true
  }
  return false
}
export async function startGithubFake() {
  const repositories = new Map()
  const environments = new Map()
  const runs = new Map()
  const workflowRuns = new Map()
  const teams = new Map()
  // Branch histories, oldest first: `${repository}#${branch}` → commit SHAs (a linear first-parent line).
  const branches = new Map()
  // Pending deployments: `${repository}#${runId}` → environments a job of the run is waiting on.
  const pending = new Map()
  // GitHub's primary rate limit, as its x-ratelimit-* headers report it.
  const rate = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 }
  const requests = []
  const responses = []
  const envKey = (repository, name) => `${repository}#${name.toLowerCase()}`
  // Protected branch names by repository (setProtectedBranches), for GET …/branches?protected=true.
  const protectedBranches = new Map()
  const deploymentState = {
    repositories,
    environments,
    teams,
    branches: protectedBranches,
    envKey
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization
    })
    const send = (route, status, body, extra = {}) => {
      responses.push({ route, status, body })
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': String(rate.limit),
          'x-ratelimit-remaining': String(rate.remaining),
          'x-ratelimit-reset': String(rate.reset),
          'x-ratelimit-used': String(rate.limit - rate.remaining),
          'x-ratelimit-resource': 'core',
          ...extra
        })
        .end(JSON.stringify(body))
    }
    const notFound = route =>
      send(route, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404'
      })
    if (!req.headers.authorization)
      return send('', 401, { message: 'Requires authentication', status: '401' })
    if (req.method !== 'GET') return notFound('')
    // Spent: GitHub answers 403 with remaining 0 until the reset (docs: rate limits for the REST API).
    if (rate.remaining <= 0) {
      if (Date.now() / 1000 < rate.reset)
        return send('', 403, {
          message: 'API rate limit exceeded for installation.',
          documentation_url:
            'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
          status: '403'
        })
      rate.remaining = rate.limit
      rate.reset = Math.floor(Date.now() / 1000) + 3600
    }
    rate.remaining--
    const segments = url.pathname.split('/').map(decodeURIComponent)
    if (segments[1] === 'orgs' && segments[3] === 'teams' && segments[2] && segments[4]) {
      const [org, slug] = [segments[2], segments[4]]
      const found = teams.get(`@${org}/${slug}`.toLowerCase())
      if (segments.length === 5) {
        const route = '/orgs/{org}/teams/{team_slug}'
        return found?.visible
          ? send(route, 200, teamFull(org, slug, found.members.length))
          : notFound(route)
      }
      if (segments.length === 7 && segments[5] === 'memberships') {
        const route = '/orgs/{org}/teams/{team_slug}/memberships/{username}'
        const login = segments[6]
        return found?.visible && found.members.some(m => m.toLowerCase() === login.toLowerCase())
          ? send(route, 200, {
              url: `https://api.github.com/organizations/77/team/1/memberships/${login}`,
              role: 'member',
              state: 'active'
            })
          : notFound(route)
      }
    }
    // Deployment branch rules, protected branches and team members (the promotion guard's reads).
    if (answerDeploymentReads(url, segments, send, notFound, deploymentState)) return
    const [, repos, owner, repo, ...rest] = segments
    if (repos !== 'repos' || !owner || !repo) return notFound('')
    const repository = `${owner}/${repo}`
    if (rest.length === 0) {
      const route = '/repos/{owner}/{repo}'
      const branch = repositories.get(repository)
      return branch ? send(route, 200, repositoryBody(repository, branch)) : notFound(route)
    }
    if (rest.length === 2 && rest[0] === 'environments') {
      const route = '/repos/{owner}/{repo}/environments/{environment_name}'
      const found = environments.get(envKey(repository, rest[1]))
      return found
        ? send(route, 200, environmentBody(repository, rest[1], found.id, found.settings))
        : notFound(route)
    }
    if (rest.length === 3 && rest[0] === 'actions' && rest[1] === 'runs') {
      const route = '/repos/{owner}/{repo}/actions/runs/{run_id}'
      const run = workflowRuns.get(`${repository}#${rest[2]}`)
      return run && /^\d+$/.test(rest[2])
        ? send(route, 200, workflowRunBody(repository, rest[2], run))
        : notFound(route)
    }
    if (
      rest.length === 5 &&
      rest[0] === 'actions' &&
      rest[1] === 'runs' &&
      rest[3] === 'attempts'
    ) {
      const route = '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}'
      const run = workflowRuns.get(`${repository}#${rest[2]}`)
      const attempt = Number(rest[4])
      return run &&
        /^\d+$/.test(rest[2]) &&
        /^[1-9]\d*$/.test(rest[4]) &&
        attempt <= (run.runAttempt ?? 1)
        ? send(
            route,
            200,
            workflowRunBody(
              repository,
              rest[2],
              { ...run, ...(run.attempts?.[attempt] ?? {}) },
              attempt
            )
          )
        : notFound(route)
    }
    // Octokit sends {ref} encoded (heads%2Fmain), as GitHub accepts it; segments are decoded.
    const refPath = rest[0] === 'git' && rest[1] === 'ref' ? rest.slice(2).join('/') : ''
    if (refPath.startsWith('heads/')) {
      const route = '/repos/{owner}/{repo}/git/ref/{ref}'
      const branch = refPath.slice('heads/'.length)
      const history = branches.get(`${repository}#${branch}`)
      if (!history || history.length === 0) return notFound(route)
      const sha = history[history.length - 1]
      return send(route, 200, {
        ref: `refs/heads/${branch}`,
        node_id: `REF_${sha.slice(0, 12)}`,
        url: `https://api.github.com/repos/${repository}/git/refs/heads/${branch}`,
        object: {
          type: 'commit',
          sha,
          url: `https://api.github.com/repos/${repository}/git/commits/${sha}`
        }
      })
    }
    if (rest.length === 2 && rest[0] === 'compare') {
      const route = '/repos/{owner}/{repo}/compare/{basehead}'
      const [base, head] = rest[1].split('...')
      // Where a commit sits: [history, index] of the first branch line that holds it.
      const locate = sha => {
        for (const [key, history] of branches)
          if (key.startsWith(`${repository}#`) && history.includes(sha))
            return [history, history.indexOf(sha)]
        return undefined
      }
      const at = [base, head].map(sha => (sha ? locate(sha) : undefined))
      if (!at[0] || !at[1]) return notFound(route)
      const ancestor = (a, b) => {
        // a is an ancestor of (or equal to) b when some branch line holds both, a first.
        for (const [key, history] of branches) {
          if (!key.startsWith(`${repository}#`)) continue
          const i = history.indexOf(a)
          const j = history.indexOf(b)
          if (i >= 0 && j >= 0 && i <= j) return { by: j - i, between: history.slice(i + 1, j + 1) }
        }
        return undefined
      }
      const forward = ancestor(base, head)
      const backward = ancestor(head, base)
      const status =
        base === head ? 'identical' : forward ? 'ahead' : backward ? 'behind' : 'diverged'
      const commits = forward?.between ?? []
      const api = `https://api.github.com/repos/${repository}`
      return send(route, 200, {
        url: `${api}/compare/${base}...${head}`,
        html_url: `https://github.com/${repository}/compare/${base}...${head}`,
        permalink_url: `https://github.com/${repository}/compare/${base}...${head}`,
        diff_url: `https://github.com/${repository}/compare/${base}...${head}.diff`,
        patch_url: `https://github.com/${repository}/compare/${base}...${head}.patch`,
        base_commit: commitBody(repository, base),
        merge_base_commit: commitBody(repository, status === 'behind' ? head : base),
        status,
        ahead_by: forward?.by ?? 0,
        behind_by: backward?.by ?? 0,
        total_commits: forward?.by ?? 0,
        // per_page, as GitHub pages the commits
        commits: commits
          .slice(0, Number(url.searchParams.get('per_page') ?? 250))
          .map(sha => commitBody(repository, sha)),
        files: []
      })
    }
    if (
      rest.length === 4 &&
      rest[0] === 'actions' &&
      rest[1] === 'runs' &&
      rest[3] === 'approvals'
    ) {
      const route = '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals'
      // A run GitHub knows without reviews answers []; one it does not know, 404.
      const reviews =
        runs.get(`${repository}#${rest[2]}`) ??
        (workflowRuns.has(`${repository}#${rest[2]}`) ? [] : undefined)
      if (!reviews) return notFound(route)
      return send(
        route,
        200,
        reviews.map(({ environment, review }) => ({
          environments: [
            environmentRef(
              repository,
              environment,
              environments.get(envKey(repository, environment)).id
            )
          ],
          state: review.state,
          user: user(review.login),
          comment: review.comment ?? ''
        }))
      )
    }
    notFound('')
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  let nextId = 100
  return {
    uri: `http://127.0.0.1:${server.address().port}`,
    requests,
    responses,
    setRepository: (repository, { defaultBranch }) => repositories.set(repository, defaultBranch),
    setEnvironment: (repository, name, settings) => {
      const existing = environments.get(envKey(repository, name))
      environments.set(envKey(repository, name), { id: existing?.id ?? nextId++, settings })
    },
    setProtectedBranches: (repository, names) => protectedBranches.set(repository, [...names]),
    setTeam: (team, members, options = {}) =>
      teams.set(team.toLowerCase(), { members, visible: options.visible ?? true }),
    setApprovals: (repository, runId, reviews) => {
      const recorded = []
      const waiting = pending.get(`${repository}#${runId}`) ?? []
      for (const review of reviews) {
        const environment = review.environment ?? 'production'
        const env = environments.get(envKey(repository, environment))
        if (!env)
          throw new Error(
            `GitHub stand-in: ${repository} has no environment ${environment} to review`
          )
        // GitHub offers a review only for a pending deployment: a job of the run waiting on it.
        if (!waiting.some(w => w.toLowerCase() === environment.toLowerCase()))
          throw new Error(
            `GitHub stand-in: no job of run ${runId} is waiting on environment ${environment}; GitHub has no pending deployment to review (setPendingDeployments names the environments the run's jobs reached)`
          )
        const reviewer = name =>
          name.startsWith('@')
            ? (teams.get(name.toLowerCase())?.members ?? []).some(
                m => m.toLowerCase() === review.login.toLowerCase()
              )
            : name.toLowerCase() === review.login.toLowerCase()
        if (!env.settings.reviewers?.some(reviewer))
          throw new Error(
            `GitHub stand-in: ${review.login} is not a required reviewer of ${environment}; GitHub would not let them review`
          )
        if (recorded.some(r => r.environment.toLowerCase() === environment.toLowerCase()))
          throw new Error(
            `GitHub stand-in: environment ${environment} was already decided in run ${runId}; GitHub records one review per environment`
          )
        recorded.push({ environment, review })
      }
      runs.set(`${repository}#${runId}`, recorded)
    },
    setPendingDeployments: (repository, runId, names) => {
      for (const name of names) {
        const env = environments.get(envKey(repository, name))
        if (!env)
          throw new Error(`GitHub stand-in: ${repository} has no environment ${name} to wait on`)
        // Only protection rules make a job wait: an environment without reviewers never does.
        if (!env.settings.reviewers || env.settings.reviewers.length === 0)
          throw new Error(
            `GitHub stand-in: environment ${name} has no required reviewers, so no job waits on it`
          )
      }
      pending.set(`${repository}#${runId}`, [...names])
    },
    setBranch: (repository, branch, commits) => {
      if (!commits.every(c => /^[0-9a-f]{40}$/.test(c)))
        throw new Error('GitHub stand-in: a branch history is a list of 40-hex commit SHAs')
      branches.set(`${repository}#${branch}`, [...commits])
    },
    setRun: (repository, runId, run) => {
      if (!run.path || !run.actor || !run.createdAt)
        throw new Error('GitHub stand-in: a run needs path, actor and createdAt')
      workflowRuns.set(`${repository}#${runId}`, run)
    },
    deleteRun: (repository, runId) => {
      workflowRuns.delete(`${repository}#${runId}`)
      runs.delete(`${repository}#${runId}`)
    },
    setRateLimit: ({ remaining, resetInSeconds }) => {
      rate.remaining = remaining
      rate.reset = Math.floor(Date.now() / 1000) + resetInSeconds
    },
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
/**
 * The environments a list of reviews names (production when none is named): for tests of a job
 * that is itself in those environments (promote-model's promote job, a sign-off job), where a
 * pending deployment exists by construction.
 */
export function pendingFor(reviews) {
  return [...new Set(reviews.map(r => r.environment ?? 'production'))]
}
