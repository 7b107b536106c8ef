import type { Clock } from '../core/time.js'
import type { RunsClient } from '../github/runs.js'
import type { RunCheckOptions } from './run-check.js'
import { githubTrust } from './run-verdict.js'
import type { GithubCheck, GithubStanding } from './trail.js'

/**
 * The GitHub step of the trusted reader (trail.ts): GitHub's record of each entry's run attempt
 * (run-verdict.ts, the run check). Confirmed entries are 'governed', contradicted ones
 * 'refused', the rest 'unbacked', each with the run check's reason.
 */
export function runCheckGithub(
  client: RunsClient,
  options: RunCheckOptions,
  clock: Clock
): GithubCheck {
  return async entries => {
    const trust = await githubTrust({
      entries,
      client,
      repository: options.repository,
      policy: options.policy,
      clock,
      approvalsHorizonDays: options.approvalsHorizonDays,
      concurrency: options.concurrency,
      maxWaitSeconds: options.maxWaitSeconds
    })
    const reasons = new Map<number, string>()
    for (const f of trust.result?.findings ?? [])
      if (!reasons.has(f.line)) reasons.set(f.line, `run ${f.run_id} ${f.part}: ${f.reason}`)
    const standings = new Map<number, GithubStanding>()
    for (const [line, standing] of trust.standings) {
      const reason = reasons.get(line)
      standings.set(line, reason ? { standing, reason } : { standing })
    }
    return { verdict: trust.verdict, standings, ...(trust.result ? { runs: trust.result } : {}) }
  }
}
