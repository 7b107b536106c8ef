import type { Clock } from '../core/time.js'
import type { RunsClient } from '../github/runs.js'
import { checkRuns, type RunCheckOptions } from './run-check.js'
import type { GithubCheck, GithubStanding } from './trail.js'

/**
 * The GitHub step of the trusted reader (trail.ts), built on the run check: confirmed entries
 * are 'governed', failed ones 'refused', the rest 'unbacked'. The reader takes any GithubCheck,
 * so a stricter run check plugs in here without touching any reader.
 */
export function runCheckGithub(
  client: RunsClient,
  options: RunCheckOptions,
  clock: Clock
): GithubCheck {
  return async entries => {
    const runs = await checkRuns(entries, client, options, clock)
    const standings = new Map<number, GithubStanding>()
    for (const { line } of entries) standings.set(line, { standing: 'governed' })
    for (const f of runs.findings) {
      const reason = `run ${f.run_id} ${f.part}: ${f.reason}`
      if (f.verdict === 'failed') standings.set(f.line, { standing: 'refused', reason })
      else if (standings.get(f.line)?.standing !== 'refused')
        standings.set(f.line, { standing: 'unbacked', reason })
    }
    return {
      verdict: {
        state: runs.failed === 0 && runs.unconfirmable === 0 ? 'verified' : 'findings',
        note: runs.summary
      },
      standings,
      runs
    }
  }
}
