import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runDist } from '../../harness/dist-runner.js'
import { OUTPUT, ROOT } from '../../harness/paths.js'

export const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '5150',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_TRIGGERING_ACTOR: 'octocat',
  GITHUB_SHA: 'feedfacefeedfacefeedfacefeedfacefeedface',
  GITHUB_SERVER_URL: 'https://github.com'
}

export const BOTH_POLICY = `registry: { mode: both }
stages:
  - name: Development
  - name: Staging
    alias: challenger
  - name: Production
    alias: champion
`

export function git(cwd: string, args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=fixture',
      '-c',
      'user.email=fixture@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args
    ],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
}

/** A real git repository with the policy committed, standing in for the checkout of a workflow. */
export function workspace(prefix: string, policy = BOTH_POLICY): string {
  mkdirSync(path.join(OUTPUT, 'reconcile'), { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'reconcile', `${prefix}-`))
  git(dir, ['init', '--quiet', '-b', 'main'])
  mkdirSync(path.join(dir, '.github'), { recursive: true })
  writeFileSync(path.join(dir, '.github', 'model-governance.yml'), policy)
  git(dir, ['add', '.'])
  git(dir, ['commit', '--quiet', '-m', 'policy'])
  return dir
}

export const LINEAGE = {
  'lock-sha256': 'd'.repeat(64),
  'model-md5': 'e'.repeat(32),
  verified: true
}

export type Promotion = [
  model: string,
  version: string,
  stage: string,
  from: string,
  extra?: Record<string, string>
]

/**
 * Governed promotions as the reusable workflow does them: the promote-model bundle moves each
 * version (the given promotions are of different models, so they run at once), then the
 * audit-log bundle appends each one's outputs in order (committed locally: push false).
 */
export async function promoteAndAudit(
  ws: string,
  uri: string,
  promotions: Promotion[]
): Promise<void> {
  const promoted = await Promise.all(
    promotions.map(([model, version, stage, , extra]) =>
      runDist(
        'promote-model',
        { 'model-name': model, version, stage, 'tracking-uri': uri, ...extra },
        { workspace: ws, env: RUN_ENV }
      )
    )
  )
  for (const [i, [model, version, stage, from]] of promotions.entries()) {
    const result = promoted[i]!
    if (result.code !== 0) throw new Error(`promote-model failed: ${result.all.slice(-2000)}`)
    const audited = await runDist(
      'audit-log',
      {
        event: 'promote',
        'model-name': model,
        version: result.outputs.version,
        from,
        to: result.outputs.stage,
        'previous-version': result.outputs['previous-version'],
        reason: `release ${model} v${version} to ${stage}`,
        lineage: JSON.stringify(LINEAGE),
        'tracking-uri': uri,
        push: 'false'
      },
      { workspace: ws, env: RUN_ENV }
    )
    if (audited.code !== 0) throw new Error(`audit-log append failed: ${audited.all.slice(-2000)}`)
  }
}

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the bundled command as a user would, with only the environment given (no inherited MLflow vars). */
export function cli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv }
): Promise<CliRun> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli', 'index.js'), ...args],
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
        encoding: 'utf8',
        timeout: 60_000
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      }
    )
  })
}
