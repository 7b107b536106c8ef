import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import yaml from 'js-yaml'
import { MemoryLogger } from '../../../src/core/logger.js'
import { runLineageCheck, type LineageCheckOptions } from '../../../src/dvc/lineage-check.js'
import { findLineageCommit } from '../../../src/dvc/locate-commit.js'
import { createGitRunner } from '../../../src/git/git.js'
import { createMlflowClient, type MlflowClient } from '../../../src/mlflow/index.js'
import { DVC, OUTPUT, PYTHON, ROOT } from '../../harness/paths.js'
import { uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { run } from './project-generator.js'

/**
 * The seed's flow against real DVC, git and the real MLflow server: data added with `dvc add`,
 * a `train` stage whose script calls `mlflow.sklearn.log_model(model, "model")` inside a run and
 * writes models/model.pkl, run by `dvc repro`, then `git commit`; each version registered with
 * `create_model_version(source=f"runs:/{run_id}/model", run_id=run_id)`. Checked on a clean
 * clone (`git clone`, no DVC data), as the workflow's validate job checks it.
 */
const DEFAULT_MIN = { level: 3 as const, source: 'the default' }

describe('the seed flow: lineage levels, each version at its own commit', () => {
  const { mlflow } = harness()
  const model = uniqueName('seed-flow')
  let origin: string
  let clone: string
  let client: MlflowClient
  const runLog = path.join(OUTPUT, 'lineage', `${model}.runs`)
  const commits: Record<string, string> = {}
  const versions: Record<string, string> = {}

  const env = {
    MLFLOW_TRACKING_URI: mlflow.uri,
    SEED_RUN_LOG: runLog,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true'
  }
  const head = (dir: string): string => run('git', ['rev-parse', 'HEAD'], dir).trim()
  const commit = (message: string): string => {
    run('git', ['add', '-A'], origin)
    run('git', ['commit', '-q', '-m', message], origin)
    return head(origin)
  }
  /** `dvc repro` (the stage trains with MLflow), then the version registered from its run. */
  const reproAndRegister = (): string => {
    // Training imports MLflow and sklearn: minutes on a busy machine, beyond run()'s bound.
    const repro = spawnSync(DVC, ['repro'], {
      cwd: origin,
      encoding: 'utf8',
      env: { ...process.env, DVC_NO_ANALYTICS: '1', ...env },
      timeout: 600_000
    })
    if (repro.status !== 0)
      throw new Error(
        `dvc repro failed (${repro.status ?? repro.signal}): ${repro.stderr}${repro.stdout}`
      )
    const runId = readFileSync(runLog, 'utf8').trim().split('\n').pop()!
    const out = execFileSync(
      PYTHON,
      [path.join(ROOT, 'test', 'python', 'seed_register.py'), model, runId],
      { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 }
    )
    return (JSON.parse(out.trim().split('\n').pop()!) as { version: string }).version
  }

  beforeAll(() => {
    mkdirSync(path.join(OUTPUT, 'lineage'), { recursive: true })
    origin = mkdtempSync(path.join(OUTPUT, 'lineage', 'seed-origin-'))
    const w = (rel: string, text: string): void => {
      mkdirSync(path.dirname(path.join(origin, rel)), { recursive: true })
      writeFileSync(path.join(origin, rel), text)
    }
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${(i % 7) / 3},${(i % 5) / 2},${i % 7 > 3 ? 1 : 0}`
    )
    w('data/train.csv', `a,b,label\n${rows.join('\n')}\n`)
    w('params.yaml', 'train:\n  C: 1.0\n')
    copyFileSync(path.join(ROOT, 'test', 'python', 'seed_train.py'), path.join(origin, 'train.py'))
    w(
      'dvc.yaml',
      yaml.dump({
        stages: {
          train: {
            cmd: `${PYTHON} train.py`,
            deps: ['train.py', 'data/train.csv'],
            params: ['train.C'],
            outs: ['models/model.pkl'],
            metrics: [{ 'metrics.json': { cache: false } }]
          }
        },
        artifacts: { model: { path: 'models/model.pkl', type: 'model' } }
      })
    )
    run('git', ['init', '-q', '-b', 'main'], origin)
    run(DVC, ['init', '-q'], origin)
    // DVC's state database outside the repository: inside it, `git add -A` would commit it.
    run(DVC, ['config', 'core.site_cache_dir', `${origin}.site-cache`], origin)
    run(DVC, ['add', '-q', 'data/train.csv'], origin)
    commits.project = commit('the seed project')

    // v1: the seed's code as it is. MLflow records the commit before the lock.
    versions.v1 = reproAndRegister()
    commits.v1 = commit('train v1')

    // v2: the script also logs DVC's model file; trained at v1's commit with train.py edited.
    const script = path.join(origin, 'train.py')
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        '    # LOG_DVC_FILE',
        '    mlflow.log_artifact("models/model.pkl")'
      )
    )
    versions.v2 = reproAndRegister()
    commits.v2 = commit('train v2, logging the DVC model file')

    // v3: trained on a branch that never reached main.
    run('git', ['checkout', '-q', '-b', 'experiment'], origin)
    w('params.yaml', 'train:\n  C: 0.5\n')
    commits.experiment = commit('try C=0.5')
    versions.v3 = reproAndRegister()
    commit('train v3 on the experiment branch')
    run('git', ['checkout', '-q', 'main'], origin)

    // Then a change to train.py committed without dvc repro.
    writeFileSync(script, `${readFileSync(script, 'utf8')}# tuned by hand\n`)
    commits.norepro = commit('tweak train.py without dvc repro')

    clone = mkdtempSync(path.join(OUTPUT, 'lineage', 'seed-clone-'))
    run('git', ['clone', '-q', origin, clone], OUTPUT)
    client = createMlflowClient(
      { 'tracking-uri': mlflow.uri },
      {},
      new MemoryLogger(),
      () => undefined
    )
  }, 1_800_000)

  afterAll(() => {
    for (const dir of [origin, clone, `${origin}.site-cache`])
      if (dir) rmSync(dir, { recursive: true, force: true })
    rmSync(runLog, { force: true })
  })

  const at = (sha: string): void => {
    run('git', ['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', sha], clone)
  }
  const options = (extra: Partial<LineageCheckOptions>): LineageCheckOptions => {
    const logger = new MemoryLogger()
    return {
      root: clone,
      lockDisplay: 'dvc.lock',
      missingData: 'lock-only',
      allowExternal: false,
      requireCleanGit: true,
      minLevel: DEFAULT_MIN,
      git: createGitRunner(logger, clone),
      logger,
      ...extra
    }
  }
  const find = (version: string): ReturnType<typeof findLineageCommit> =>
    findLineageCommit({
      client,
      git: createGitRunner(new MemoryLogger(), clone),
      root: clone,
      modelName: model,
      version,
      defaultBranch: 'main',
      logger: new MemoryLogger()
    })
  type Report = {
    level: number
    lineageCommit: string
    runCommit: string
    mlflow: {
      loggedFile?: string
      between?: { commits: string[]; files: { path: string; why: string }[] }
      evidence: Record<'artifact' | 'loggedFile' | 'commit', { ok: boolean; detail: string }>
    }
  }

  it('v1 (log_model only) reaches level 3 at its own commit and passes the default minimum, after v2 was trained and committed', async () => {
    const found = await find(versions.v1!)
    expect(found.reason).toContain('holds the lock of the dvc repro')
    // The run recorded the commit before the lock; the lineage commit is the one holding it.
    expect(found.runCommit).toBe(commits.project)
    expect(found.commit).toBe(commits.v1)
    at(found.commit)
    const outcome = await runLineageCheck(
      options({
        mlflow: { client, modelName: model, version: versions.v1!, verifyArtifact: false }
      })
    )
    expect(outcome.problems).toEqual([])
    expect(outcome.verified).toBe(true)
    expect(outcome.level).toBe(3)
    expect(outcome.lineageCommit).toBe(commits.v1)
    expect(outcome.runCommit).toBe(commits.project)
    const report = JSON.parse(outcome.reportJson) as Report
    expect(report.level).toBe(3)
    // The verdict lists the commits and the files between them.
    expect(report.mlflow.between?.commits).toEqual([commits.v1])
    expect(report.mlflow.between?.files.map(f => f.path).sort()).toEqual(
      expect.arrayContaining(['dvc.lock', 'metrics.json'])
    )
    // Why not stronger: MLflow serialised the model again, and the run logged no file of its own.
    // (Until the artifacts room resolves runs:/<run>/model to the logged model, the run's own
    // empty folder is read there; either way the registered bytes are not DVC's model.pkl.)
    expect(report.mlflow.evidence.artifact.ok).toBe(false)
    expect(report.mlflow.evidence.loggedFile.detail).toContain('logged no files of its own')
    expect(outcome.summary).toContain('**Lineage level 3**')
    expect(outcome.summary).toContain("which the seed's flow")
    expect(JSON.parse(outcome.reportJson)).toMatchObject({ minLevel: 3 })
  })

  it('fails v1 below a stricter minimum, naming the level, what is missing and the smallest change', async () => {
    at(commits.v1!)
    const outcome = await runLineageCheck(
      options({
        minLevel: { level: 2, source: "stage 'Production' lineage.min_level" },
        mlflow: { client, modelName: model, version: versions.v1!, verifyArtifact: false }
      })
    )
    expect(outcome.verified).toBe(false)
    const [problem] = outcome.problems
    expect(outcome.problems).toHaveLength(1)
    expect(problem).toContain('level 3')
    expect(problem).toContain("minimum level 2 (stage 'Production' lineage.min_level)")
    expect(problem).toContain('logged no files of its own')
    expect(problem).toContain(`add \`mlflow.log_artifact("models/model.pkl")\``)
    expect(problem).toContain("the 'train' stage")
  })

  it('v2 (also log_artifact of models/model.pkl) reaches level 2 at its own commit', async () => {
    const found = await find(versions.v2!)
    expect(found.runCommit).toBe(commits.v1)
    expect(found.commit).toBe(commits.v2)
    at(found.commit)
    const outcome = await runLineageCheck(
      options({
        mlflow: { client, modelName: model, version: versions.v2!, verifyArtifact: false }
      })
    )
    expect(outcome.problems).toEqual([])
    expect(outcome.level).toBe(2)
    const report = JSON.parse(outcome.reportJson) as Report
    expect(report.mlflow.loggedFile).toBe('model.pkl')
    // train.py changed between the run's commit and the lock's, and matches the lock there.
    expect(report.mlflow.between?.files).toEqual(
      expect.arrayContaining([
        { path: 'train.py', ok: true, why: expect.stringContaining('matches dvc.lock') }
      ])
    )
  })

  it("refuses v1 at a later commit that holds another version's lock", async () => {
    at(commits.v2!)
    const outcome = await runLineageCheck(
      options({
        mlflow: { client, modelName: model, version: versions.v1!, verifyArtifact: false }
      })
    )
    expect(outcome.verified).toBe(false)
    expect(outcome.level).toBe(4)
    expect(outcome.problems.join('\n')).toContain(
      `the lock of its dvc repro is in ${commits.v1!.slice(0, 12)}`
    )
  })

  it('refuses a version whose commit is not on the default branch, naming why', async () => {
    await expect(find(versions.v3!)).rejects.toThrow(
      `recorded at commit ${commits.experiment!.slice(0, 12)}, which is not on the history of the default branch 'main'`
    )
  })

  it('fails a train.py change committed without dvc repro on a clean clone', async () => {
    at(commits.norepro!)
    const outcome = await runLineageCheck(options({ minLevel: undefined }))
    expect(outcome.verified).toBe(false)
    expect(outcome.problems.join('\n')).toContain("stage 'train': dep train.py is modified")
    // Only the DVC-cached data is not checked, by name.
    expect((JSON.parse(outcome.reportJson) as { missing: string[] }).missing.sort()).toEqual([
      'data/train.csv',
      'models/model.pkl'
    ])
  })
})
