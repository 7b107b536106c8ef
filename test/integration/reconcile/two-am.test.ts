import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runDist, type DistResult } from '../../harness/dist-runner.js'
import { startGithubFake, type GithubFake } from '../../harness/github-fake.js'
import { DVC, PYTHON, ROOT } from '../../harness/paths.js'
import { uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { commitAll, smallProject } from '../lineage-check/small-project.js'
import { run } from '../lineage-check/project-generator.js'
import { LEVEL_WORDS, type LineageLevel } from '../../../src/core/lineage-levels.js'
import { cli, RUN_ENV } from './fixtures.js'

/**
 * The 2 AM questions against the real server: a real DVC project, trained by a script that uses
 * MLflow's own fluent client under a known user, promoted, promoted again and rolled back by the
 * bundled actions (approvals from the strict GitHub stand-in), then asked with the bundled CLI.
 */
// Straight to Production: the story here is what the trail remembers, not the stage order.
const POLICY = `registry: { mode: both }
allow_skip: true
stages:
  - name: Staging
    alias: challenger
  - name: Production
    alias: champion
    requires_approval: true
    sign_off:
      - role: data-science-lead
        environment: production-ds
        approvers: [alice, dave, erin]
governance:
  caller_workflows: [.github/workflows/promote.yml, .github/workflows/rollback.yml]
`
/** The approval workflow the callers pin, as GitHub lists it in the run's referenced_workflows. */
const APPROVAL_SHA = '5ab4e4a245c2c3ae8602208b0736308ab24c9cad'

interface Trained {
  run_id: string
  user: string
  start_time: number
  commit: string
  version: string
}

describe('status answers who trained it, on what data, who approved it, how to reproduce it', () => {
  const { mlflow } = harness()
  const model = uniqueName('two-am')
  const env = { MLFLOW_TRACKING_URI: mlflow.uri }
  let project: string
  let github: GithubFake
  const trained: Trained[] = []
  const lineage: { 'lock-sha256': string; 'model-md5': string; commit: string }[] = []
  /** lineage-check's level output for each check, as it reported it. */
  const levels: number[] = []
  const dataMd5: string[] = []
  let runId = 7100

  function train(user: string): Trained {
    const out = execFileSync(PYTHON, ['train.py', mlflow.uri, model, 'model.pkl'], {
      cwd: project,
      encoding: 'utf8',
      // Telemetry off: its thread edits os.environ while requests iterates it (a KeyError seen
      // here under load), and a test machine has nothing to report to anyway.
      env: {
        ...process.env,
        LOGNAME: user,
        USER: user,
        MLFLOW_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: 'true'
      },
      timeout: 120_000
    })
    // MLflow prints "View run …" on stdout when the run ends; the script's JSON is the last line.
    return JSON.parse(out.trim().split('\n').pop()!) as Trained
  }

  async function checkLineage(): Promise<void> {
    const result = await runDist(
      'lineage-check',
      { 'model-path': 'model.pkl' },
      { workspace: project }
    )
    if (result.code !== 0 || result.outputs.verified !== 'true')
      throw new Error(`lineage-check failed: ${result.all.slice(-2000)}`)
    lineage.push({
      'lock-sha256': result.outputs['lock-sha256']!,
      'model-md5': result.outputs['model-md5']!,
      commit: result.outputs['git-commit']!
    })
    levels.push(Number(result.outputs.level))
    dataMd5.push(
      execFileSync('md5sum', ['data.txt'], { cwd: project, encoding: 'utf8' }).slice(0, 32)
    )
  }

  const gitLines = (dir: string, ...args: string[]): string[] =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim().split('\n')

  const ok = (result: DistResult, what: string): DistResult => {
    if (result.code !== 0) throw new Error(`${what} failed: ${result.all.slice(-2000)}`)
    return result
  }

  /** One governed move, as the reusable workflow chains it: promote-model, then audit-log. */
  async function govern(
    move: Record<string, string>,
    audit: { event: string; lineage?: string; commit: string },
    reviewer: string
  ): Promise<void> {
    const id = String(runId++)
    github.setPendingDeployments('acme/models', id, ['production-ds'])
    github.setApprovals('acme/models', id, [
      {
        login: reviewer,
        state: 'approved',
        environment: 'production-ds',
        comment: `ok from ${reviewer}`
      }
    ])
    // GitHub's record of the run, as the caller's dispatch on main creates it: the rollback
    // that follows restores only what runs GitHub records back (src/promotion/rollback.ts).
    const rollback = move.rollback === 'true'
    github.setBranch('acme/models', 'main', gitLines(project, 'rev-list', '--reverse', 'HEAD'))
    github.setRun('acme/models', id, {
      path: `.github/workflows/${rollback ? 'rollback' : 'promote'}.yml`,
      actor: 'octocat',
      createdAt: new Date().toISOString(),
      referencedWorkflows: [
        {
          path: `acme-ml/model-governance/.github/workflows/model-approval.yml@${APPROVAL_SHA}`,
          sha: APPROVAL_SHA
        }
      ],
      headSha: audit.commit,
      displayTitle: rollback
        ? `rollback ${model} to Production`
        : `promote ${model} v${move.version} to Production`
    })
    const runEnv = {
      ...RUN_ENV,
      GITHUB_RUN_ID: id,
      GITHUB_SHA: audit.commit,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_API_URL: github.uri,
      GITHUB_TOKEN: 'ghs_two_am_token'
    }
    const moved = ok(
      await runDist(
        'promote-model',
        { 'model-name': model, 'tracking-uri': mlflow.uri, ...move },
        { workspace: project, env: runEnv }
      ),
      'promote-model'
    )
    ok(
      await runDist(
        'audit-log',
        {
          event: audit.event,
          'model-name': model,
          version: moved.outputs.version,
          from: moved.outputs['previous-stage'] || 'None',
          to: moved.outputs.stage,
          'previous-version': moved.outputs['previous-version'],
          reason: `${audit.event} ${model} v${moved.outputs.version}`,
          ...(audit.lineage ? { lineage: audit.lineage } : {}),
          'sign-off': JSON.stringify([{ role: 'data-science-lead', environment: 'production-ds' }]),
          token: 'ghs_two_am_token',
          'tracking-uri': mlflow.uri,
          push: 'false'
        },
        { workspace: project, env: runEnv }
      ),
      'audit-log'
    )
  }

  beforeAll(async () => {
    github = await startGithubFake()
    github.setRepository('acme/models', { defaultBranch: 'main' })
    github.setEnvironment('acme/models', 'production', { branchPolicy: 'protected' })
    github.setEnvironment('acme/models', 'production-ds', {
      reviewers: ['alice', 'dave', 'erin'],
      branchPolicy: 'protected'
    })
    project = smallProject('two-am')
    mkdirSync(path.join(project, '.github'), { recursive: true })
    writeFileSync(path.join(project, '.github', 'model-governance.yml'), POLICY)
    copyFileSync(
      path.join(ROOT, 'test', 'python', 'train_and_register.py'),
      path.join(project, 'train.py')
    )
    commitAll(project, 'policy and training script')
    await checkLineage()
    trained.push(train('trainer-alice'))
    await govern(
      { version: trained[0]!.version, stage: 'Production' },
      {
        event: 'promote',
        // v1 records lineage-check's level; v2 below is an entry from before levels (none).
        lineage: JSON.stringify({
          ...lineage[0],
          commit: undefined,
          verified: true,
          level: levels[0]
        }),
        commit: lineage[0]!.commit
      },
      'alice'
    )
    // New data, a new model, a new commit: v2 differs in everything the trail records.
    writeFileSync(path.join(project, 'data.txt'), 'more training data\n')
    run(DVC, ['unfreeze', '-q', 'report'], project) // smallProject froze it; v2 rebuilds all
    run(DVC, ['repro', '-q'], project)
    commitAll(project, 'new data')
    await checkLineage()
    trained.push(train('trainer-bob'))
    await govern(
      { version: trained[1]!.version, stage: 'Production' },
      {
        event: 'promote',
        lineage: JSON.stringify({ ...lineage[1], commit: undefined, verified: true }),
        commit: lineage[1]!.commit
      },
      'erin'
    )
    await govern(
      { stage: 'Production', rollback: 'true' },
      { event: 'rollback', commit: lineage[1]!.commit },
      'dave'
    )
  }, 600_000)

  afterAll(async () => {
    await github?.close()
  })

  const auditTimes = (): string[] =>
    readFileSync(path.join(project, 'AUDIT.log'), 'utf8')
      .trim()
      .split('\n')
      .map(line => (JSON.parse(line) as { ts: string }).ts)

  it('the training script ran under its user and at its commit, as MLflow recorded them', () => {
    expect(trained.map(t => [t.user, t.version])).toEqual([
      ['trainer-alice', '1'],
      ['trainer-bob', '2']
    ])
    expect(trained.map(t => t.commit)).toEqual(lineage.map(l => l.commit))
  })

  it('after the rollback, Production shows v1 with v1 trainer, data and commit, and the rollback approver', async () => {
    const result = await cli(['status', model, '--json'], { cwd: project, env })
    // stderr holds only the trust verdict every reader prints.
    expect(result.stderr).toMatch(/^note: AUDIT\.log: Trust: /)
    expect(result.stderr).not.toMatch(/^(warning|error):/m)
    expect(result.code).toBe(0)
    const doc = JSON.parse(result.stdout) as { targets: Record<string, unknown>[] }
    const production = doc.targets.find(t => t.kind === 'stage' && t.target === 'Production')!
    const champion = doc.targets.find(t => t.kind === 'alias' && t.target === 'champion')!
    for (const target of [production, champion]) {
      expect(target).toMatchObject({
        version: '1',
        uri: `models:/${model}/1`,
        drift: false,
        event: 'rollback',
        lock_sha256: lineage[0]!['lock-sha256'],
        model_md5: lineage[0]!['model-md5'],
        commit: lineage[0]!.commit,
        trained_by: {
          user: 'trainer-alice',
          run_id: trained[0]!.run_id,
          start_time: new Date(trained[0]!.start_time).toISOString(),
          source_commit: lineage[0]!.commit
        },
        approvals: [
          {
            login: 'dave',
            role: 'data-science-lead',
            environments: ['production-ds'],
            state: 'approved',
            comment: 'ok from dave'
          }
        ]
      })
    }
    // The lineage level v1's entry recorded, from lineage-check's own output, with its words.
    expect([1, 2, 3, 4]).toContain(levels[0])
    for (const target of [production, champion])
      expect(target).toMatchObject({
        lineage_level: levels[0],
        lineage_level_text: `level ${levels[0]} (${LEVEL_WORDS[levels[0] as LineageLevel]})`,
        data: { recorded: { level: levels[0] } }
      })
    // The data: dvc.lock at v1's commit, read from git, names the data v1 was trained on.
    const data = production.data as {
      recorded: { seq: number }
      lock: { stages: { name: string; deps: { path: string; md5: string }[]; params: unknown[] }[] }
    }
    expect(data.recorded.seq).toBe(1)
    const stage = data.lock.stages.find(s => s.name === 'train')!
    expect(stage.deps).toEqual([{ path: 'data.txt', md5: dataMd5[0] }])
    expect(dataMd5[0]).not.toBe(dataMd5[1])
    expect(stage.params).toEqual([{ file: 'params.yaml', values: { 'train.epochs': 3 } }])
    expect(production.reproduce).toEqual([
      `git checkout ${lineage[0]!.commit}`,
      'dvc pull',
      'dvc repro',
      expect.stringMatching(/^dvc status/)
    ])
  })

  it('the table fits 100 columns and a target in full gives the four answers', async () => {
    const table = await cli(['status', model], { cwd: project, env })
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100)
    expect(lines[0]).toMatch(
      /^TARGET +VER +SINCE +TRAINED BY +APPROVED BY +LVL +DATA +COMMIT +AUDIT$/
    )
    expect(table.stdout).toMatch(
      new RegExp(
        `^stage Production +1 +\\d{4}-\\d\\d-\\d\\d +trainer-alice +dave +${levels[0]} +${lineage[0]!['lock-sha256'].slice(0, 8)} +${lineage[0]!.commit.slice(0, 8)} +ok$`,
        'm'
      )
    )
    const detail = await cli(['status', model, 'Production'], { cwd: project, env })
    expect(detail.code).toBe(0)
    for (const heading of ['Trained by', 'Data', 'Approved by', 'Reproduce'])
      expect(detail.stdout).toMatch(new RegExp(`^${heading}$`, 'm'))
    expect(detail.stdout).toContain(`  git checkout ${lineage[0]!.commit}`)
    expect(detail.stdout).toMatch(
      /^ {2}dave +approved as data-science-lead in production-ds "ok from dave"$/m
    )
    expect(detail.stdout).toMatch(/^ {2}user +trainer-alice$/m)
    expect(detail.stdout).toMatch(new RegExp(`^ {2}lineage level +level ${levels[0]} \\(`, 'm'))
    for (const line of detail.stdout.trimEnd().split('\n'))
      expect(Array.from(line).length).toBeLessThanOrEqual(100)
  })

  it("evidence shows each version's lineage level, and says v2's entry predates levels", async () => {
    const v1 = await cli(['evidence', model, '--version', '1', '--format', 'md'], {
      cwd: project,
      env
    })
    expect(v1.code).toBe(0)
    expect(v1.stdout).toContain(
      `**Lineage level**: level ${levels[0]} (${LEVEL_WORDS[levels[0] as LineageLevel]})`
    )
    const v2 = await cli(['evidence', model, '--version', '2', '--json'], { cwd: project, env })
    expect(v2.code).toBe(0)
    expect(JSON.parse(v2.stdout)).toMatchObject({
      lineage_level: null,
      lineage_level_text: expect.stringContaining('predates lineage levels'),
      lineage: { lock_sha256: lineage[1]!['lock-sha256'], level: null }
    })
    const html = await cli(['evidence', model, '--version', '1', '--format', 'html'], {
      cwd: project,
      env
    })
    expect(html.stdout).toContain(`<th>lineage level</th><td>level ${levels[0]} (`)
  })

  it('--at names the holder before and after each event', async () => {
    const ts = auditTimes()
    expect(ts).toHaveLength(3)
    const at = async (instant: string): Promise<string | null> => {
      const result = await cli(['status', model, 'stage:Production', '--at', instant, '--json'], {
        cwd: project,
        env: {}
      })
      expect(result.code).toBe(0)
      return (JSON.parse(result.stdout) as { targets: { version: string | null }[] }).targets[0]!
        .version
    }
    const before = (iso: string): string => new Date(Date.parse(iso) - 1).toISOString()
    const expected: [string, string | null][] = [
      [before(ts[0]!), null],
      [ts[0]!, '1'],
      [before(ts[1]!), '1'],
      [ts[1]!, '2'],
      [before(ts[2]!), '2'],
      [ts[2]!, '1'],
      [new Date().toISOString(), '1']
    ]
    for (const [instant, version] of expected)
      expect([instant, await at(instant)]).toEqual([instant, version])
  })
})
