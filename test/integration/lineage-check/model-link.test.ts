import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { runLineageCheck, type LineageCheckOptions } from '../../../src/dvc/lineage-check.js'
import { createGitRunner } from '../../../src/git/git.js'
import { createMlflowClient, type MlflowClient } from '../../../src/mlflow/index.js'
import { DVC } from '../../harness/paths.js'
import { seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { run } from './project-generator.js'
import { commitAll, smallProject } from './small-project.js'

let dir: string
let head: string
let client: MlflowClient
const b64 = (rel: string): string => readFileSync(path.join(dir, rel)).toString('base64')

function options(extra: Partial<LineageCheckOptions>): LineageCheckOptions {
  const logger = new MemoryLogger()
  return {
    root: dir,
    lockDisplay: 'dvc.lock',
    missingData: 'fail',
    allowExternal: false,
    requireCleanGit: true,
    git: createGitRunner(logger, dir),
    logger,
    ...extra
  }
}

type Registered = { name: string; version: string; runId: string }

/** Logs runs with the given commit tags and model files and registers each, in one Python call. */
function registerMany(
  specs: { files: Record<string, string>; commit: string | undefined }[],
  uri = harness().mlflow.uri,
  env: NodeJS.ProcessEnv = {}
): Registered[] {
  const names = specs.map(() => uniqueName('lineage'))
  const plan = specs.flatMap((spec, i) => [
    {
      op: 'run',
      artifact: false,
      tags: spec.commit ? { 'mlflow.source.git.commit': spec.commit } : {},
      files: spec.files
    },
    { op: 'register', name: names[i]!, run: 2 * i, path: 'model' }
  ])
  const results = seed(uri, plan, env)
  return specs.map((_, i) => ({
    name: names[i]!,
    version: results[2 * i + 1]!.version!,
    runId: results[2 * i]!.run_id!
  }))
}

let seeded: Record<
  'file' | 'dir' | 'dirExtra' | 'differs' | 'earlier' | 'untagged' | 'unknown',
  Registered
>

beforeAll(() => {
  dir = smallProject('link')
  head = run('git', ['rev-parse', 'HEAD'], dir).trim()
  client = createMlflowClient(
    { 'tracking-uri': harness().mlflow.uri },
    {},
    new MemoryLogger(),
    () => undefined
  )
  const x = 'eA=='
  const [file, dir_, dirExtra, differs, earlier, untagged, unknown] = registerMany([
    {
      files: {
        'model.pkl': b64('model.pkl'),
        MLmodel: Buffer.from('flavors: {}\n').toString('base64')
      },
      commit: head
    },
    {
      files: { 'model.bin': b64('model/model.bin'), 'data.txt': b64('model/data.txt') },
      commit: head
    },
    {
      files: { 'model.bin': b64('model/model.bin'), 'data.txt': b64('model/data.txt'), 'x.txt': x },
      commit: head
    },
    { files: { 'model.pkl': Buffer.from('other bytes').toString('base64') }, commit: head },
    { files: { 'model.pkl': b64('model.pkl') }, commit: head },
    { files: { 'model.pkl': x }, commit: undefined },
    { files: { 'model.pkl': x }, commit: 'f'.repeat(40) }
  ])
  seeded = {
    file: file!,
    dir: dir_!,
    dirExtra: dirExtra!,
    differs: differs!,
    earlier: earlier!,
    untagged: untagged!,
    unknown: unknown!
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('model link against a real MLflow server and git', () => {
  it('verifies a file model registered at HEAD, naming the file compared inside the artifact directory', async () => {
    const mv = seeded.file
    const outcome = await runLineageCheck(
      options({ mlflow: { client, modelName: mv.name, version: mv.version, verifyArtifact: true } })
    )
    expect(outcome.problems).toEqual([])
    expect(outcome.verified).toBe(true)
    expect(outcome.modelPath).toBe('model.pkl')
    const report = JSON.parse(outcome.reportJson) as {
      mlflow: { artifactCompared: string; artifactMd5: string; commitCheck: string }
    }
    expect(report.mlflow.commitCheck).toBe('equals HEAD')
    expect(report.mlflow.artifactMd5).toBe(outcome.modelMd5)
    expect(report.mlflow.artifactCompared).toContain(
      "file 'model.pkl' inside the registered artifact directory"
    )
  })

  it('compares a directory model through its .dir manifest', async () => {
    const mv = seeded.dir
    const ok = await runLineageCheck(
      options({
        modelPath: 'model',
        mlflow: {
          client,
          runId: mv.runId,
          modelName: mv.name,
          version: mv.version,
          verifyArtifact: true
        }
      })
    )
    expect(ok.problems).toEqual([])
    expect(ok.modelMd5).toMatch(/\.dir$/)
    expect(ok.summary).toContain('.dir manifest of all 2 files')

    const extra = seeded.dirExtra
    // Bytes that differ fail only where the stage asks for level 1 (the registered bytes are the
    // DVC output); the default minimum (3) is met by the commit link alone.
    const bad = await runLineageCheck(
      options({
        modelPath: 'model',
        minLevel: { level: 1, source: 'the test' },
        mlflow: { client, modelName: extra.name, version: extra.version, verifyArtifact: true }
      })
    )
    expect(bad.verified).toBe(false)
    expect(bad.problems.join('\n')).toContain('below the minimum level 1 (the test)')
    // The verdict says what was compared, and why level 1 was not reached.
    expect(JSON.stringify(bad)).toContain('.dir manifest of all 3 files')
  })

  it('fails when the registered bytes differ from dvc.lock, saying what was compared', async () => {
    const mv = seeded.differs
    const outcome = await runLineageCheck(
      options({
        minLevel: { level: 1, source: 'the test' },
        mlflow: { client, modelName: mv.name, version: mv.version, verifyArtifact: true }
      })
    )
    expect(outcome.verified).toBe(false)
    expect(outcome.problems).toEqual([
      expect.stringMatching(/below the minimum level 1 \(the test\)/)
    ])
    // The verdict says what was compared, and why level 1 was not reached.
    expect(JSON.stringify(outcome)).toMatch(
      /MLflow artifact does not match dvc\.lock: compared file 'model\.pkl'.*MLflow [0-9a-f]{32}, dvc\.lock [0-9a-f]{32}/
    )
  })

  it('accepts a run from an earlier commit with byte-identical dvc.yaml and dvc.lock, not one whose lock differs', async () => {
    const mv = seeded.earlier
    writeFileSync(path.join(dir, 'README.md'), 'docs only\n')
    const docsHead = commitAll(dir, 'docs')
    const same = await runLineageCheck(
      options({
        mlflow: { client, modelName: mv.name, version: mv.version, verifyArtifact: false }
      })
    )
    expect(same.problems).toEqual([])
    expect(same.gitCommit).toBe(docsHead)
    expect(same.reportJson).toContain('byte-identical to HEAD')

    writeFileSync(path.join(dir, 'params.yaml'), 'train:\n  epochs: 4\n')
    // Re-run everything (the frozen stage too), so only the commit differs, not cross-stage state.
    run(DVC, ['unfreeze', '-q', 'report'], dir)
    run(DVC, ['repro', '-q'], dir)
    run(DVC, ['freeze', '-q', 'report'], dir)
    commitAll(dir, 'retrain')
    const stale = await runLineageCheck(
      options({
        mlflow: { client, modelName: mv.name, version: mv.version, verifyArtifact: false }
      })
    )
    expect(stale.verified).toBe(false)
    expect(stale.problems.join('\n')).toMatch(
      /not this pipeline's commit: commit [0-9a-f]{12}'s dvc\.lock differs from HEAD's/
    )
  })

  it('reports a missing tag, an unknown commit, and a model that is no stage output', async () => {
    const untagged = seeded.untagged
    const a = await runLineageCheck(
      options({ mlflow: { client, runId: untagged.runId, verifyArtifact: false } })
    )
    expect(a.problems).toEqual([expect.stringContaining('has no mlflow.source.git.commit tag')])
    const unknown = seeded.unknown
    const b = await runLineageCheck(
      options({ mlflow: { client, runId: unknown.runId, verifyArtifact: false } })
    )
    expect(b.problems).toEqual([expect.stringContaining('fetch-depth: 0')])
    const c = await runLineageCheck(options({ modelPath: 'data.txt' }))
    expect(c.problems).toEqual([expect.stringContaining('is not an out of any stage')])
  })

  it('downloads through a basic-auth server with the shared client credentials', async () => {
    const { auth } = harness()
    const env = {
      MLFLOW_TRACKING_USERNAME: auth.admin.username,
      MLFLOW_TRACKING_PASSWORD: auth.admin.password
    }
    const [mv] = registerMany(
      [
        {
          files: { 'model.pkl': b64('model.pkl') },
          commit: run('git', ['rev-parse', 'HEAD'], dir).trim()
        }
      ],
      auth.uri,
      env
    )
    const authed = createMlflowClient(
      {
        'tracking-uri': auth.uri,
        'tracking-username': auth.admin.username,
        'tracking-password': auth.admin.password
      },
      {},
      new MemoryLogger(),
      () => undefined
    )
    const outcome = await runLineageCheck(
      options({
        mlflow: { client: authed, modelName: mv!.name, version: mv!.version, verifyArtifact: true }
      })
    )
    expect(outcome.problems).toEqual([])
  })

  it('refuses two model artifacts without model-path', async () => {
    const other = smallProject('two-models', {
      artifacts: { a: { path: 'model.pkl', type: 'model' }, b: { path: 'model', type: 'model' } }
    })
    try {
      await expect(
        runLineageCheck({
          ...options({}),
          root: other,
          git: createGitRunner(new MemoryLogger(), other)
        })
      ).rejects.toThrow(ConfigurationError)
      await expect(
        runLineageCheck({
          ...options({}),
          root: other,
          git: createGitRunner(new MemoryLogger(), other)
        })
      ).rejects.toThrow('2 artifacts of type model (a, b); name the one being promoted by its path')
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})
